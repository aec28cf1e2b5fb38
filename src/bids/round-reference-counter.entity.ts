import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { FundingRound } from '../rounds/funding-round.entity';

// The last bid number handed out in a round (migration RoundReferenceCounters). A row of its
// own, so numbering a draft locks only this row for the moment of one UPDATE and never the
// round's row, which status changes and award decisions lock.
@Entity('round_reference_counters')
export class RoundReferenceCounter {
  @PrimaryColumn('uuid')
  roundId: string;

  @Column({ type: 'int' })
  lastNumber: number;

  @OneToOne(() => FundingRound, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'round_id' })
  round?: FundingRound;
}
