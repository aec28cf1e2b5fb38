import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DeadlineExtension } from './deadline-extension.entity';
import { effectiveClosesAt, effectiveClosesAtSql, extensionRunningSql } from './round-deadlines';

export type ExtensionWithOrganisation = DeadlineExtension & { organisation: { name: string } };

// Named access to deadline extensions, in the caller's transaction.
@Injectable()
export class DeadlineExtensionStore {
  forOrganisation(
    manager: EntityManager,
    roundId: string,
    organisationId: string,
  ): Promise<ExtensionWithOrganisation | null> {
    return manager.findOne(DeadlineExtension, {
      where: { roundId, organisationId },
      relations: { organisation: true },
    }) as Promise<ExtensionWithOrganisation | null>;
  }

  // A round's extensions, latest close first, then by organisation name.
  async ofRound(manager: EntityManager, roundId: string): Promise<ExtensionWithOrganisation[]> {
    return (await manager
      .createQueryBuilder(DeadlineExtension, 'x')
      .innerJoinAndSelect('x.organisation', 'organisation')
      .where('x.round_id = :roundId', { roundId })
      .orderBy('x.closes_at', 'DESC')
      .addOrderBy('organisation.name', 'ASC')
      .getMany()) as ExtensionWithOrganisation[];
  }

  // The extensions of a round that still run at `now`: the round may not close before they end.
  async running(
    manager: EntityManager,
    roundId: string,
    now: Date,
  ): Promise<{ organisationName: string; closesAt: Date }[]> {
    const rows: { organisation_name: string; closes_at: Date }[] = await manager.query(
      `SELECT o.name AS organisation_name, x.closes_at
         FROM round_deadline_extensions x JOIN organisations o ON o.id = x.organisation_id
        WHERE x.round_id = $1 AND ${extensionRunningSql('$2::timestamptz')}
        ORDER BY x.closes_at, o.name`,
      [roundId, now],
    );
    return rows.map((row) => ({
      organisationName: row.organisation_name,
      closesAt: row.closes_at,
    }));
  }

  // The organisation's own close time for the round.
  async deadlineOf(
    manager: EntityManager,
    round: { id: string; closesAt: Date },
    organisationId: string,
  ): Promise<Date> {
    return effectiveClosesAt(round, await this.forOrganisation(manager, round.id, organisationId));
  }

  // The organisation's own close time for each of `roundIds`, in one query.
  async deadlinesOf(
    manager: EntityManager,
    roundIds: string[],
    organisationId: string,
  ): Promise<Map<string, Date>> {
    if (roundIds.length === 0) {
      return new Map();
    }
    const rows: { id: string; closes_at: Date }[] = await manager.query(
      `SELECT r.id, ${effectiveClosesAtSql('r', '$2::uuid')} AS closes_at
         FROM funding_rounds r WHERE r.id = ANY($1::uuid[])`,
      [roundIds, organisationId],
    );
    return new Map(rows.map((row) => [row.id, row.closes_at]));
  }

  // The organisation's extension set to `values`: the one it has changed, or a new one.
  async put(
    manager: EntityManager,
    currentId: string | null,
    extension: Pick<
      DeadlineExtension,
      'roundId' | 'organisationId' | 'closesAt' | 'reason' | 'grantedBy'
    >,
  ): Promise<void> {
    if (currentId) {
      const { closesAt, reason, grantedBy } = extension;
      await manager.update(DeadlineExtension, { id: currentId }, { closesAt, reason, grantedBy });
    } else {
      await manager.insert(DeadlineExtension, extension);
    }
  }

  async remove(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(DeadlineExtension, { id });
  }
}
