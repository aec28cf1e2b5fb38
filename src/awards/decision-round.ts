import type { EntityManager } from 'typeorm';
import type { RoundWithParts } from '../rounds/round-views';
import type { RoundStore } from '../rounds/round-store';
import { awardError } from './awards.errors';
import { roundError } from '../rounds/rounds.errors';
import { notFound } from '../common/common.errors';

// The round locked for its decisions, their second approvals and their publication: one at a
// time per round, and only while it is in assessment (before its outcomes are published).
export async function lockRoundForDecisions(
  rounds: RoundStore,
  manager: EntityManager,
  roundId: string,
): Promise<RoundWithParts> {
  const round = await rounds.findPublished(manager, roundId, 'write');
  if (!round) {
    throw notFound('Funding round');
  }
  if (round.status === 'open' || round.status === 'closed') {
    throw roundError('round-not-in-assessment', {
      message: `Round ${round.code} is ${round.status}; decisions and their publication follow assessment.`,
    });
  }
  if (round.status !== 'assessment') {
    throw awardError('outcomes-published', {
      message: `Round ${round.code} is ${round.status}: its outcomes are published, so decisions can no longer be made, changed or published again. Withdraw an award through POST /awards/{id}/withdraw; other changes need a recorded variation.`,
    });
  }
  return round;
}
