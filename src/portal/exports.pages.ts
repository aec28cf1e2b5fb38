import { randomUUID } from 'node:crypto';
import { readableFileSize } from '../files/file-size';
import { expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { endOfLondonDay, formatLondonZoned, londonDateOf } from '../common/london-time';
import { streamFromApi } from './portal-api';
import {
  formProblems,
  formValue,
  frame,
  type Portal,
  sendPage,
  type SignedIn,
  forSignedIn,
  idempotencyKeyOf,
} from './portal-request';
import type { FieldProblem } from './portal-views';

type Export = Schemas['ExportDto'];

const FORMATS = [
  { value: 'csv', text: 'CSV (comma-separated values)' },
  { value: 'xlsx', text: 'Excel workbook (XLSX)' },
  { value: 'html', text: 'Web page (HTML), with charts' },
] as const;
type Format = (typeof FORMATS)[number]['value'];

const STATUS_TEXT: Record<Export['status'], string> = {
  queued: 'Waiting to be built',
  running: 'Being built',
  done: 'Ready to download',
  failed: 'Failed',
  expired: 'Deleted after the retention period',
};

// A real day the API still refuses: before the years it takes dates in (1900 to 2999, see
// IsInstant) or after today.
const AS_AT_REFUSED =
  'Enter a date from 1900 to today, like 31 3 2026, or leave the date empty for now';

interface Typed {
  roundId: string;
  format: string;
  day: string;
  month: string;
  year: string;
}

// Spend-summary exports of a round: asking for one (format, as at a day), watching the worker
// build it (a Refresh link, and a small poll with JavaScript), and downloading the file, streamed
// through from the API (see streamFromApi), never held whole in the portal's memory.
export function exportPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get(
    '/exports',
    forSignedIn(portal, async (me, request, reply) => {
      return showRequestForm(portal, reply, me);
    }),
  );

  pages.post(
    '/exports',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const typed: Typed = {
        roundId: formValue(request.body, 'roundId'),
        format: formValue(request.body, 'format'),
        day: formValue(request.body, 'asAt-day').trim(),
        month: formValue(request.body, 'asAt-month').trim(),
        year: formValue(request.body, 'asAt-year').trim(),
      };
      const problems: FieldProblem[] = [];
      if (!/^[0-9a-f-]{36}$/.test(typed.roundId)) {
        problems.push({ field: 'roundId', message: 'Choose the round to export' });
      }
      if (!FORMATS.some((format) => format.value === typed.format)) {
        problems.push({ field: 'format', message: 'Choose the file format' });
      }
      const asAt = asAtFrom(typed);
      if (asAt === null) {
        problems.push({
          field: 'asAt-day',
          message: 'Enter a real date, like 31 3 2026, or leave the date empty for now',
        });
      }
      if (problems.length > 0) {
        return showRequestForm(portal, reply, me, typed, problems);
      }
      try {
        const asked = await expectOk(
          me.api.POST('/api/v1/rounds/{id}/exports', {
            params: { path: { id: typed.roundId } },
            headers: idempotencyKeyOf(request.body, 'requestKey'),
            body: { format: typed.format as Format, ...(asAt ? { asAt } : {}) },
          }),
        );
        return await reply.redirect(`/exports/${encodeURIComponent(asked.id)}`, 303);
      } catch (error) {
        const refused = formProblems(error, {
          roundId: 'roundId',
          format: 'format',
          // The API words its refusal of the moment for programs; the form asks for a day.
          asAt: { field: 'asAt-day', refused: AS_AT_REFUSED },
        });
        if (!refused) {
          throw error;
        }
        return showRequestForm(portal, reply, me, typed, refused);
      }
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/exports/:id',
    forSignedIn(portal, async (me, request, reply) => {
      const found = await expectOk(
        me.api.GET('/api/v1/exports/{id}', { params: { path: { id: request.params.id } } }),
      );
      const round = await expectOk(
        me.api.GET('/api/v1/rounds/{id}', { params: { path: { id: found.roundId } } }),
      );
      const building = found.status === 'queued' || found.status === 'running';
      return sendPage(
        portal,
        reply,
        'export',
        frame(reply, building ? 'Your export is being built' : 'Your export', me.session, {
          section: 'exports',
        }),
        {
          file: {
            ...found,
            roundName: round.name,
            roundCode: round.code,
            formatText:
              FORMATS.find((format) => format.value === found.format)?.text ?? found.format,
            statusText: STATUS_TEXT[found.status],
            asAtUkTime: formatLondonZoned(new Date(found.asAt)),
            finishedAtUkTime: found.finishedAt ? formatLondonZoned(new Date(found.finishedAt)) : '',
            size: found.sizeBytes === null ? '' : readableFileSize(found.sizeBytes),
            building,
            done: found.status === 'done',
          },
        },
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/exports/:id/download',
    forSignedIn(portal, async (me, request, reply) =>
      streamFromApi(
        portal.app,
        request,
        me.tokens,
        `/api/v1/exports/${encodeURIComponent(request.params.id)}/download`,
        reply,
      ),
    ),
  );
}

async function showRequestForm(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  typed: Typed = { roundId: '', format: 'csv', day: '', month: '', year: '' },
  problems?: FieldProblem[],
): Promise<FastifyReply> {
  const rounds = await expectOk(
    me.api.GET('/api/v1/rounds', { params: { query: { limit: 100, sort: '-opensAt' } } }),
  );
  return sendPage(
    portal,
    reply,
    'exports',
    frame(reply, 'Export a round’s spend summary', me.session, { section: 'exports', problems }),
    {
      rounds: rounds.items
        .filter((round) => round.status !== 'draft')
        .map((round) => ({
          id: round.id,
          name: `${round.code}: ${round.name}`,
          chosen: round.id === typed.roundId,
        })),
      formats: FORMATS.map((format) => ({ ...format, chosen: format.value === typed.format })),
      values: typed,
      // The same form sent twice (a double click) asks for one export.
      requestKey: randomUUID(),
    },
    problems ? 400 : 200,
  );
}

// The moment the figures are read as at: the end of the day given (UK time), or now when the day
// is today or left empty (undefined); null when the fields are not a real date.
function asAtFrom(typed: Typed): string | undefined | null {
  if (!typed.day && !typed.month && !typed.year) {
    return undefined;
  }
  if (
    !/^\d{1,2}$/.test(typed.day) ||
    !/^\d{1,2}$/.test(typed.month) ||
    !/^\d{4}$/.test(typed.year)
  ) {
    return null;
  }
  const iso = `${typed.year}-${typed.month.padStart(2, '0')}-${typed.day.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || !date.toISOString().startsWith(iso)) {
    return null;
  }
  // A day after today is left to the API, which refuses the future with its reason.
  return iso === londonDateOf(new Date()) ? undefined : endOfLondonDay(iso).toISOString();
}
