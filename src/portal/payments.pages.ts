import { ApiProblem, expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { formatUkDate, londonDateOf } from '../common/london-time';
import { formatPounds } from '../common/money';
import {
  formProblems,
  formValue,
  frame,
  type Portal,
  sendPage,
  type SignedIn,
  forSignedIn,
} from './portal-request';
import type { FieldProblem } from './portal-views';

type Payment = Schemas['PaymentDto'];
type PaymentStatus = Payment['status'];

const PAGE = 100;

// Payments in arrears on approved returns: those to make, one payment, and recording it as made
// (date and bank reference) with a confirmation. The person who approved the return may not.
export function paymentPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get<{ Querystring: { status?: string } }>(
    '/payments',
    forSignedIn(portal, async (me, request, reply) => {
      const status: PaymentStatus = request.query.status === 'made' ? 'made' : 'to_make';
      const list = await expectOk(
        me.api.GET('/api/v1/payments', { params: { query: { status, limit: PAGE } } }),
      );
      const heading = status === 'made' ? 'Payments made' : 'Payments to make';
      return sendPage(
        portal,
        reply,
        'payments',
        frame(reply, heading, me.session, { section: 'payments' }),
        {
          heading,
          toMake: status === 'to_make',
          payments: list.items.map(shown),
          total: list.total,
          more: list.total > list.items.length,
        },
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/payments/:id',
    forSignedIn(portal, async (me, request, reply) => {
      return showPayment(portal, reply, me, request.params.id);
    }),
  );

  pages.post<{ Params: { id: string } }>(
    '/payments/:id/record',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const typed = {
        day: formValue(request.body, 'paidOn-day').trim(),
        month: formValue(request.body, 'paidOn-month').trim(),
        year: formValue(request.body, 'paidOn-year').trim(),
        reference: formValue(request.body, 'reference').trim(),
      };
      const noReference = 'Enter the bank or ledger reference';
      const paidOn = dateFrom(typed);
      if (!paidOn) {
        // An empty reference is said with the date, not on the next try.
        return showPayment(portal, reply, me, id, {
          typed,
          problems: [
            { field: 'paidOn-day', message: 'Enter the date the payment was made, like 14 8 2026' },
            ...(typed.reference === '' ? [{ field: 'reference', message: noReference }] : []),
          ],
        });
      }
      try {
        const made = await expectOk(
          me.api.POST('/api/v1/payments/{id}/record', {
            params: { path: { id } },
            body: { paidOn, reference: typed.reference },
          }),
        );
        return await sendPage(
          portal,
          reply,
          'payment-recorded',
          frame(reply, 'Payment recorded', me.session, { section: 'payments' }),
          { payment: shown(made) },
        );
      } catch (error) {
        const problems = formProblems(error, {
          paidOn: 'paidOn-day',
          reference: {
            field: 'reference',
            missing: { value: typed.reference, say: noReference },
          },
        });
        if (!problems) {
          throw error;
        }
        return showPayment(portal, reply, me, id, { typed, problems });
      }
    }),
  );
}

// The payment's page: its return and amount, and, while it is to make, the form to record it.
async function showPayment(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  id: string,
  refused?: {
    typed: { day: string; month: string; year: string; reference: string };
    problems: FieldProblem[];
  },
): Promise<FastifyReply> {
  const payment = await readPayment(me, id);
  const today = londonDateOf(new Date()).split('-');
  return sendPage(
    portal,
    reply,
    'payment',
    frame(reply, `Payment for ${payment.awardReference}`, me.session, {
      section: 'payments',
      problems: refused?.problems,
    }),
    {
      payment: shown(payment),
      values: refused?.typed ?? { day: '', month: '', year: '', reference: '' },
      todayExample: `${Number(today[2])} ${Number(today[1])} ${today[0]}`,
    },
    refused ? 400 : 200,
  );
}

// The payment `id`. An id that is not one (the API's 400) is a page that does not exist, also
// when a form posted to it is shown again.
async function readPayment(me: SignedIn, id: string): Promise<Payment> {
  try {
    return await expectOk(me.api.GET('/api/v1/payments/{id}', { params: { path: { id } } }));
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 400) {
      throw new ApiProblem(404, undefined);
    }
    throw error;
  }
}

// A GOV.UK date input's three fields as an ISO date, or undefined when they are not a real date.
function dateFrom(typed: { day: string; month: string; year: string }): string | undefined {
  if (![typed.day, typed.month].every((part) => /^\d{1,2}$/.test(part))) {
    return undefined;
  }
  if (!/^\d{4}$/.test(typed.year)) {
    return undefined;
  }
  const iso = `${typed.year}-${typed.month.padStart(2, '0')}-${typed.day.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : undefined;
}

function shown(payment: Payment) {
  return {
    ...payment,
    amount: formatPounds(payment.amountPence),
    quarterName: `Q${payment.quarter} ${payment.financialYear}`,
    made: payment.status === 'made',
    paidOn: payment.paidOn ? formatUkDate(payment.paidOn) : payment.paidOn,
    dueOn: formatUkDate(payment.dueOn),
  };
}
