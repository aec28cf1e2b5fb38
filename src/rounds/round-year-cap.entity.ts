import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { penceTransformer } from '../database/pence.transformer';
import { FundingRound } from './funding-round.entity';

// The most a single bid may ask for in one financial year (money does not move between years).
@Entity('round_year_caps')
@Check('ck_round_year_caps_financial_year', `"financial_year" ~ '^[0-9]{4}/[0-9]{2}$'`)
@Check('ck_round_year_caps_positive', `"cap_pence" > 0`)
export class RoundYearCap {
  @PrimaryColumn({ type: 'uuid' })
  roundId: string;

  @ManyToOne(() => FundingRound, (round) => round.yearCaps, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'round_id' })
  round?: FundingRound;

  @PrimaryColumn({ type: 'text' })
  financialYear: string;

  @Column({ type: 'bigint', transformer: penceTransformer })
  capPence: number;
}
