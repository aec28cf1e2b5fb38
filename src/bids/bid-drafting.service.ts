import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, changedFields, changesNothing, createdFields } from '../audit/audit.service';
import { auditInsert, auditInsertFrom, createdFieldsSql } from '../audit/audit-store';
import type { AuthenticatedUser } from '../common/access';
import { DomainError } from '../common/domain-error';
import { formatLondonZoned } from '../common/london-time';
import { OrganisationsService } from '../organisations/organisations.service';
import type { FundingRound } from '../rounds/funding-round.entity';
import { RoundStore } from '../rounds/round-store';
import { bidContentErrors, CONTENT_FIELDS } from './bid-content.rules';
import type { BidDto } from './bid-response.dto';
import { BidStore } from './bid-store';
import { bidContent, linesFrom, LoadedBid, toBidDto } from './loaded-bid';
import { Bid } from './bid.entity';
import { fieldsSql } from '../database/entity-rows';
import type { BidContentDto, CreateBidDto, UpdateBidDto } from './bid.dto';
import { isWindowOpen } from '../rounds/round-lifecycle';
import { bidError } from './bids.errors';
import { commonError, notFound } from '../common/common.errors';
import { requestHash } from '../common/idempotency';
import { organisationError } from '../organisations/organisations.errors';

const LINE_FIELDS = ['costLines', 'matchFunding', 'interventions'] as const;
const isLineField = (field: string) => (LINE_FIELDS as readonly string[]).includes(field);

// Bid columns from the scalar parts of a create or edit (lists of lines are written apart).
function columnsOf(input: Partial<BidContentDto>): Partial<Bid> {
  const columns: Partial<Bid> = {};
  for (const field of CONTENT_FIELDS) {
    if (input[field] !== undefined && !isLineField(field)) {
      Object.assign(columns, { [field]: input[field] });
    }
  }
  return columns;
}

// `closesAt`: the organisation's own close time (round-deadlines.ts).
export function windowRefusal(
  round: FundingRound,
  closesAt: Date,
  now: Date,
  doing: string,
): DomainError {
  const when =
    now.getTime() < round.opensAt.getTime()
      ? `opens for bids at ${formatLondonZoned(round.opensAt)}`
      : `closed for bids at ${formatLondonZoned(closesAt)}`;
  return bidError('round-not-open', {
    message: `Round ${round.code} ${round.status === 'open' ? when : `is ${round.status}, not open for bids`}; you cannot ${doing} now.`,
  });
}

// The bidder's own bid, or 404: another organisation's bid is not theirs to change.
export function ownBidOrNotFound(user: AuthenticatedUser, bid: LoadedBid): LoadedBid {
  if (user.role !== 'applicant' || bid.organisationId !== user.organisationId) {
    throw notFound('Bid');
  }
  return bid;
}

@Injectable()
export class BidDraftingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: BidStore,
    private readonly rounds: RoundStore,
    private readonly organisations: OrganisationsService,
  ) {}

  // A new draft in three statements and no transaction: the user check, one read of the round
  // and organisation, and one statement that numbers and writes the bid with its lines and audit
  // event (BidStore.insertDraft). Being its own transaction, that statement holds the round's
  // counter row only while it runs, so drafts in one round do not queue behind each other's
  // round trips. The round is not locked: its settings are fixed once published, its window is
  // a matter of time, and the write itself refuses a round no longer open.
  //
  // A retried create with the same Idempotency-Key answers the bid the first one made, also
  // when the retries run at the same time: those creates run in a transaction holding the key
  // (they wait for the first to commit).
  async create(
    actor: AuditActor,
    user: AuthenticatedUser,
    input: CreateBidDto,
    idempotencyKey: string | undefined,
    now = new Date(),
  ): Promise<BidDto> {
    if (idempotencyKey === undefined) {
      return this.createIn(this.dataSource.manager, actor, user, input, null, now);
    }
    const hash = requestHash(input);
    return this.dataSource.transaction(async (manager) => {
      await this.store.lockCreationKey(manager, user.id, idempotencyKey);
      const earlier = await this.store.findByCreationKey(manager, user.id, idempotencyKey);
      if (earlier) {
        // A key used before its user moved organisation names a bid no longer theirs to read.
        if (earlier.creationHash !== hash || earlier.organisationId !== user.organisationId) {
          throw commonError('idempotency-key-reused', {
            message:
              'This Idempotency-Key was already used for a different bid; use a new key for a new bid.',
          });
        }
        return toBidDto(await this.store.load(manager, earlier.id));
      }
      return this.createIn(manager, actor, user, input, [idempotencyKey, hash], now);
    });
  }

  private async createIn(
    manager: EntityManager,
    actor: AuditActor,
    user: AuthenticatedUser,
    input: CreateBidDto,
    creation: [key: string, hash: string] | null,
    now: Date,
  ): Promise<BidDto> {
    // One read: the round, the organisation's own close time and the organisation. Only a
    // missing round sends the organisation's own read, so an inactive organisation is still the
    // first refusal.
    const found = await this.rounds.findForBidding(
      manager,
      input.roundId,
      user.organisationId as string,
    );
    const organisation = found
      ? found.organisation
      : await this.organisations.findWithArea(user.organisationId as string, manager);
    if (!organisation?.active) {
      throw organisationError('organisation-inactive', {
        message:
          'Your organisation is deactivated, so it cannot make bids; contact the programme team.',
      });
    }
    if (!found) {
      throw notFound('Funding round');
    }
    const { round, closesAt } = found;
    if (!isWindowOpen(round, closesAt, now)) {
      throw windowRefusal(round, closesAt, now, 'start a bid');
    }
    this.checkContent(input, round);
    const lines = linesFrom('', input);
    const draft = {
      ...columnsOf(input),
      organisationId: organisation.id,
      applicantType: organisation.type,
      forceAreaCode: organisation.forceAreaCode,
      needsEndorsement: organisation.type !== 'pcc' && organisation.forceAreaCode !== null,
      status: 'draft',
      createdBy: user.id,
      creationKey: creation?.[0] ?? null,
      creationHash: creation?.[1] ?? null,
    } satisfies Partial<Bid>;
    // The event's changes: the lists as they are stored, and the bid's own fields (with its
    // reference, known only once numbered) read by the statement from the row it inserts.
    const listed = bidContent(Object.assign(new Bid(), lines) as unknown as LoadedBid);
    const saved = await this.store.insertDraft(manager, round, draft, input, (first, from) =>
      auditInsertFrom(
        actor,
        {
          command: 'bid.create',
          objectType: 'bid',
          changes: createdFields(listed, LINE_FIELDS),
        },
        first,
        {
          from,
          objectIdSql: `${from}.id::text`,
          moreChangesSql: createdFieldsSql(
            fieldsSql(manager, Bid, from, [
              'reference',
              ...CONTENT_FIELDS.filter((field) => !isLineField(field)),
            ]),
          ),
        },
      ),
    );
    if (!saved) {
      // Closed (or moved on) between the read and the write.
      throw bidError('round-not-open', {
        message: `Round ${round.code} is no longer open for bids; you cannot start a bid now.`,
      });
    }
    const { matchFundingIds, interventionIds, ...bid } = saved;
    // The bid as a read would find it, from what was just written.
    return toBidDto({
      ...bid,
      costLines: lines.costLines.map((line) => ({ ...line, bidId: bid.id })),
      matchFunding: lines.matchFunding.map((line, n) => ({
        ...line,
        bidId: bid.id,
        id: matchFundingIds[n],
      })),
      interventions: lines.interventions.map((line, n) => ({
        ...line,
        bidId: bid.id,
        id: interventionIds[n],
      })),
      closesAt,
      round: { code: round.code, name: round.name },
      organisation: { name: organisation.name },
    } as LoadedBid);
  }

  // Edits a draft of the version the bidder last read, while the round takes bids. Four
  // statements at most: the bid locked, then read whole with its round; the lists it replaces
  // deleted; its new lines, its columns, totals and version, and the audit event in one. An
  // edit that changes nothing stops after the read.
  update(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    expectedVersion: number,
    input: UpdateBidDto,
    now = new Date(),
  ): Promise<BidDto> {
    return this.dataSource.transaction(async (manager) => {
      const bid = await this.store.lockForEdit(manager, id);
      ownBidOrNotFound(user, bid);
      if (bid.version !== expectedVersion) {
        throw commonError('version-mismatch', {
          message: `The bid has changed since you read it (now version ${bid.version}); reload it and apply your edit again.`,
        });
      }
      if (bid.status !== 'draft') {
        throw bidError('bid-frozen', {
          message: `Bid ${bid.reference} was submitted and is frozen (it is ${bid.status}); it cannot be edited.`,
        });
      }
      // A round not yet published takes no bids, as the round's own read for bidding says.
      const { round, closesAt } = bid;
      if (round.status === 'draft') {
        throw notFound('Funding round');
      }
      if (!isWindowOpen(round, closesAt, now)) {
        throw windowRefusal(round, closesAt, now, 'edit a bid');
      }
      this.checkContent(input, round);
      // The saved bid as a read would find it, built beside the stored one from the edit instead
      // of read again: the columns sent, and each list sent in place of the old one (ids of new
      // lines once written). An edit that changes nothing answers the bid as stored.
      const columns = columnsOf(input);
      const lines = linesFrom(id, input);
      const edited: LoadedBid = { ...bid, ...columns };
      if (input.costLines !== undefined) {
        edited.costLines = lines.costLines;
      }
      if (input.matchFunding !== undefined) {
        edited.matchFunding = lines.matchFunding.map((line) => ({ ...line, id: '' }));
      }
      if (input.interventions !== undefined) {
        edited.interventions = lines.interventions.map((line) => ({ ...line, id: '' }));
      }
      const changes = changedFields(bidContent(bid), bidContent(edited), CONTENT_FIELDS);
      if (changesNothing(changes)) {
        return toBidDto(bid);
      }
      const entry = { command: 'bid.update', objectType: 'bid', objectId: id, changes };
      const written = await this.store.writeLines(manager, id, input, {
        audit: (first) => auditInsert(actor, entry, first),
        edit: columns,
      });
      edited.requestedPence = written.requestedPence;
      edited.matchFundingPence = written.matchFundingPence;
      edited.version = written.version;
      edited.updatedAt = written.updatedAt;
      if (input.matchFunding !== undefined) {
        edited.matchFunding.forEach((line, n) => (line.id = written.matchFundingIds[n]));
      }
      if (input.interventions !== undefined) {
        edited.interventions.forEach((line, n) => (line.id = written.interventionIds[n]));
      }
      return toBidDto(edited);
    });
  }

  private checkContent(input: Partial<BidContentDto>, round: FundingRound): void {
    const errors = bidContentErrors(input, round);
    if (errors.length > 0) {
      throw bidError('bid-content-invalid', {
        message: `Some parts of the bid do not fit round ${round.code}; see errors.`,
        errors,
      });
    }
  }
}
