import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditActor, auditInsert, changedFields, createdFields } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { DomainError } from '../common/domain-error';
import { formatLondon } from '../common/london-time';
import { OrganisationsService } from '../organisations/organisations.service';
import type { FundingRound } from '../rounds/funding-round.entity';
import { RoundStore } from '../rounds/round-store';
import { bidContentErrors, CONTENT_FIELDS } from './bid-content.rules';
import type { BidDto } from './bid-response.dto';
import { BidStore } from './bid-store';
import { bidContent, linesFrom, LoadedBid, toBidDto } from './loaded-bid';
import { Bid } from './bid.entity';
import type { BidContentDto, CreateBidDto, UpdateBidDto } from './bid.dto';
import { isWindowOpen } from './bids.service';
import { bidError } from './bids.errors';
import { commonError, notFound } from '../common/common.errors';
import { organisationError } from '../organisations/organisations.errors';

const LINE_FIELDS = ['costLines', 'matchFunding', 'interventions'] as const;

function hashOf(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

// Bid columns from the scalar parts of a create or edit (lists of lines are written apart).
function columnsOf(input: Partial<BidContentDto>): Partial<Bid> {
  const columns: Partial<Bid> = {};
  for (const field of CONTENT_FIELDS) {
    if (input[field] !== undefined && !(LINE_FIELDS as readonly string[]).includes(field)) {
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
      ? `opens for bids at ${formatLondon(round.opensAt)} (UK time)`
      : `closed for bids at ${formatLondon(closesAt)} (UK time)`;
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

  // A retried create with the same Idempotency-Key answers the bid the first one made, also
  // when the retries run at the same time (they wait for the first to commit).
  async create(
    actor: AuditActor,
    user: AuthenticatedUser,
    input: CreateBidDto,
    idempotencyKey: string | undefined,
    now = new Date(),
  ): Promise<BidDto> {
    const requestHash = hashOf(input);
    return this.dataSource.transaction(async (manager) => {
      if (idempotencyKey !== undefined) {
        await this.store.lockCreationKey(manager, user.id, idempotencyKey);
        const earlier = await manager.findOneBy(Bid, {
          createdBy: user.id,
          creationKey: idempotencyKey,
        });
        if (earlier) {
          if (earlier.creationHash !== requestHash) {
            throw bidError('idempotency-key-reused');
          }
          return toBidDto(await this.store.load(manager, earlier.id));
        }
      }
      // One read: the round share-locked (a close waits; parallel drafts in it do not, being
      // numbered by its counter row), the organisation's own close time and the organisation.
      // Only a missing round sends the organisation's own read, so an inactive organisation is
      // still the first refusal.
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
      const saved = await this.store.insertNumbered(manager, round, {
        ...columnsOf(input),
        organisationId: organisation.id,
        applicantType: organisation.type,
        forceAreaCode: organisation.forceAreaCode,
        needsEndorsement: organisation.type !== 'pcc' && organisation.forceAreaCode !== null,
        status: 'draft',
        createdBy: user.id,
        creationKey: idempotencyKey ?? null,
        creationHash: idempotencyKey === undefined ? null : requestHash,
      });
      // The bid as a read would find it, from what was just written: its lines and their
      // audit event go in one statement, which answers the totals and the lines' ids.
      const lines = linesFrom(saved.id, input);
      const bid: LoadedBid = Object.assign(saved, {
        costLines: lines.costLines,
        // Their ids once written.
        matchFunding: lines.matchFunding.map((line) => ({ ...line, id: '' })),
        interventions: lines.interventions.map((line) => ({ ...line, id: '' })),
        closesAt,
        round: { code: round.code, name: round.name },
        organisation: { name: organisation.name },
      });
      const entry = {
        command: 'bid.create',
        objectType: 'bid',
        objectId: bid.id,
        changes: createdFields({ reference: bid.reference, ...bidContent(bid) }, [
          'reference',
          ...CONTENT_FIELDS,
        ]),
      };
      const written = await this.store.writeLines(manager, bid.id, input, {
        created: true,
        audit: (first) => auditInsert(actor, entry, first),
      });
      bid.requestedPence = written.requestedPence;
      bid.matchFundingPence = written.matchFundingPence;
      bid.matchFunding.forEach((line, n) => (line.id = written.matchFundingIds[n]));
      bid.interventions.forEach((line, n) => (line.id = written.interventionIds[n]));
      return toBidDto(bid);
    });
  }

  // Edits a draft of the version the bidder last read, while the round takes bids. Four
  // statements at most: the bid locked, then read whole with its round; the lists it replaces
  // deleted; its new lines, its columns, totals and version, and the audit event in one.
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
      const before = bidContent(bid);
      // The saved bid as a read would find it, built from the edit instead of read again: the
      // columns sent, and each list sent in place of the old one (ids of new lines once written).
      const columns = columnsOf(input);
      const lines = linesFrom(id, input);
      Object.assign(bid, columns);
      if (input.costLines !== undefined) {
        bid.costLines = lines.costLines;
      }
      if (input.matchFunding !== undefined) {
        bid.matchFunding = lines.matchFunding.map((line) => ({ ...line, id: '' }));
      }
      if (input.interventions !== undefined) {
        bid.interventions = lines.interventions.map((line) => ({ ...line, id: '' }));
      }
      const entry = {
        command: 'bid.update',
        objectType: 'bid',
        objectId: id,
        changes: changedFields(before, bidContent(bid), CONTENT_FIELDS),
      };
      const written = await this.store.writeLines(manager, id, input, {
        audit: (first) => auditInsert(actor, entry, first),
        edit: columns,
      });
      bid.requestedPence = written.requestedPence;
      bid.matchFundingPence = written.matchFundingPence;
      bid.version = written.version;
      bid.updatedAt = written.updatedAt;
      if (input.matchFunding !== undefined) {
        bid.matchFunding.forEach((line, n) => (line.id = written.matchFundingIds[n]));
      }
      if (input.interventions !== undefined) {
        bid.interventions.forEach((line, n) => (line.id = written.interventionIds[n]));
      }
      return toBidDto(bid);
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
