import {
  Check,
  Column,
  Entity,
  JoinColumn,
  OneToOne,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Bid } from '../bids/bid.entity';

export const FINAL_SCORE_BASES = ['mean', 'moderated'] as const;
export type FinalScoreBasis = (typeof FINAL_SCORE_BASES)[number];

// A bid's score once all its assessments are in: their mean and spread, whether the spread
// needs a moderator, and the final score the ranking uses.
@Entity('bid_scores')
@Check('ck_bid_scores_range', `"mean_hundredths" BETWEEN 0 AND 10000 AND "spread_hundredths" >= 0`)
@Check(
  'ck_bid_scores_final',
  `("final_score_hundredths" IS NULL) = ("final_basis" IS NULL) AND ("final_score_hundredths" IS NULL OR "final_score_hundredths" BETWEEN 0 AND 10000)`,
)
@Check(
  'ck_bid_scores_moderated',
  `"final_basis" IS DISTINCT FROM 'moderated' OR ("moderated_by" IS NOT NULL AND length(btrim("moderation_reason")) > 0)`,
)
@Check(
  'ck_bid_scores_divergent_moderated',
  `NOT "divergent" OR "final_basis" IS NULL OR "moderated_by" IS NOT NULL`,
)
export class BidScore {
  @PrimaryColumn({ type: 'uuid' })
  bidId: string;

  @OneToOne(() => Bid, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bid_id' })
  bid?: Bid;

  @Column({ type: 'uuid' })
  roundId: string;

  @Column({ type: 'integer' })
  assessmentCount: number;

  @Column({ type: 'integer' })
  meanHundredths: number;

  @Column({ type: 'integer' })
  spreadHundredths: number;

  // The spread is above the round's divergence threshold: a moderator must set the final score.
  @Column({ type: 'boolean' })
  divergent: boolean;

  @Column({ type: 'integer', nullable: true })
  finalScoreHundredths: number | null;

  @Column({ type: 'text', nullable: true })
  finalBasis: FinalScoreBasis | null;

  @Column({ type: 'text', nullable: true })
  moderationReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  moderatedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  moderatedAt: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
