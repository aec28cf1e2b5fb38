import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { londonDateOf } from '../common/london-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OrganisationsService } from '../organisations/organisations.service';
import { ReturnScheduleStore } from '../returns/return-schedule-store';
import { RoundStore } from '../rounds/round-store';
import { UsersService } from '../users/users.service';
import type { AwardForDelivery } from './award-delivery.service';
import { awardUrl } from './award-emails';
import type { VariationDto } from './variation.dto';
import type { AwardVariation } from './variation.entity';
import { VariationLetters } from './variation-letters';
import { FUNDER } from './offer-letters';
import { linesOf, type ProfileCell, type YearKindLine } from './variation.rules';
import { notFound } from '../common/common.errors';
import { awardError } from './awards.errors';

const pick = (cells: { kind: string; amountPence: number }[], kind: string) =>
  cells.filter((cell) => cell.kind === kind).reduce((sum, cell) => sum + cell.amountPence, 0);

// Variations as people read them, and the variation letter.
@Injectable()
export class VariationViews {
  constructor(
    private readonly rounds: RoundStore,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly returns: ReturnScheduleStore,
    private readonly letters: VariationLetters,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  one(
    _manager: EntityManager,
    row: AwardVariation,
    award: AwardForDelivery,
  ): Promise<VariationDto> {
    const { id, awardId, status, reason, profile, amountPence, deliveryEndsOn } = row;
    const { requestedBy, requestedAt, decidedBy, decidedAt, secondApproverId, approvedAt } = row;
    return Promise.resolve({
      ...{ id, awardId, awardReference: award.reference, status, reason, profile, amountPence },
      lines: linesOf(profile),
      deliveryEndsOn,
      outputTargets: row.outputTargets,
      ...{ requestedBy, requestedAt, decidedBy, decidedAt, secondApproverId, approvedAt },
      closedAt: row.closedAt,
      refusalReason: row.refusalReason,
      before:
        row.profileBefore && row.linesBefore && row.deliveryEndsOnBefore
          ? {
              profile: row.profileBefore,
              lines: row.linesBefore,
              amountPence: row.amountPenceBefore ?? 0,
              deliveryEndsOn: row.deliveryEndsOnBefore,
            }
          : null,
      version: row.version,
    });
  }

  // The variation letter: the award before and after, its profile, delivery and returns.
  async letter(
    manager: EntityManager,
    row: AwardVariation,
    award: AwardForDelivery,
  ): Promise<{ filename: string; html: string }> {
    if (row.status !== 'approved' || !row.approvedAt || !row.linesBefore || !row.decidedBy) {
      throw awardError('variation-not-approved', {
        message: `This variation is ${row.status.replace(/_/g, ' ')}; the variation letter exists once it is approved.`,
      });
    }
    const round = await this.rounds.findPublished(manager, award.roundId, null);
    const organisation = await this.organisations.findWithArea(award.organisationId, manager);
    if (!round || !organisation) {
      throw notFound('Award');
    }
    const approverIds = [row.decidedBy, ...(row.secondApproverId ? [row.secondApproverId] : [])];
    const names = await this.users.namesOf(approverIds, manager);
    const lines = linesOf(row.profile);
    const deliveryEndsOnBefore = row.deliveryEndsOnBefore ?? round.deliveryEndsOn;
    const html = this.letters.render({
      funderName: FUNDER,
      reference: award.reference,
      bidTitle: award.title,
      roundName: round.name,
      organisationName: organisation.name,
      reason: row.reason,
      approvedAt: row.approvedAt,
      amountPence: row.amountPence,
      amountPenceBefore: row.amountPenceBefore ?? 0,
      capitalPence: pick(lines, 'capital'),
      revenuePence: pick(lines, 'revenue'),
      years: yearsOf(row.linesBefore, lines),
      quarters: quartersOf(row.profile),
      deliveryStartsOn: round.deliveryStartsOn,
      deliveryEndsOn: row.deliveryEndsOn ?? deliveryEndsOnBefore,
      deliveryEndsOnBefore,
      extended: row.deliveryEndsOn !== null,
      returns: (await this.returns.list(manager, award.id, londonDateOf(new Date()))).map(
        ({ financialYear, quarter, dueOn, status }) => ({ financialYear, quarter, dueOn, status }),
      ),
      outputTargets: (row.outputTargets ?? []).map((target) => ({
        type: award.interventions.find((i) => i.id === target.interventionId)?.type ?? 'Output',
        outputTarget: target.outputTarget,
      })),
      approvedBy: approverIds.map((id) => names.get(id) ?? 'an approver'),
      awardUrl: awardUrl(this.config.portal, award),
    });
    return { filename: `variation-${award.reference}-${row.id.slice(0, 8)}.html`, html };
  }
}

function yearsOf(before: YearKindLine[], after: YearKindLine[]) {
  const years = [...new Set([...before, ...after].map((line) => line.financialYear))].sort();
  return years.map((financialYear) => {
    const inYear = (lines: YearKindLine[]) =>
      lines.filter((line) => line.financialYear === financialYear);
    return {
      financialYear,
      capitalBeforePence: pick(inYear(before), 'capital'),
      revenueBeforePence: pick(inYear(before), 'revenue'),
      capitalPence: pick(inYear(after), 'capital'),
      revenuePence: pick(inYear(after), 'revenue'),
    };
  });
}

function quartersOf(profile: ProfileCell[]) {
  const keys = [...new Set(profile.map((cell) => `${cell.financialYear} ${cell.quarter}`))].sort();
  return keys.map((key) => {
    const [financialYear, quarter] = key.split(' ');
    const cells = profile.filter(
      (cell) => cell.financialYear === financialYear && cell.quarter === Number(quarter),
    );
    return {
      financialYear,
      quarter: Number(quarter),
      capitalPence: pick(cells, 'capital'),
      revenuePence: pick(cells, 'revenue'),
    };
  });
}
