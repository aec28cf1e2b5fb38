import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AwardDecision } from '../awards/award.entity';
import type { CostKind } from '../bids/bid-lines.entity';
import { penceTransformer } from '../database/pence.transformer';

// A financial year closed for an award: what of that year's award was not approved as spend is
// released, per kind, never carried into the next year. Written when the year's last return is
// approved; the award's position shows it.
@Entity('year_end_releases')
@Check('ck_year_end_releases_kind', `"kind" IN ('capital', 'revenue')`)
@Check('ck_year_end_releases_amount', `"amount_pence" > 0`)
export class YearEndRelease {
  @PrimaryColumn({ type: 'uuid' })
  awardId: string;

  @ManyToOne(() => AwardDecision)
  @JoinColumn({ name: 'award_id' })
  award?: AwardDecision;

  @PrimaryColumn({ type: 'text' })
  financialYear: string;

  @PrimaryColumn({ type: 'text' })
  kind: CostKind;

  @Column({ type: 'bigint', transformer: penceTransformer })
  amountPence: number;

  @Column({ type: 'timestamptz' })
  releasedAt: Date;

  // The return whose approval closed the year.
  @Column({ type: 'uuid' })
  returnId: string;
}
