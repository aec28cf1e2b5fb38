import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { penceTransformer } from '../database/pence.transformer';
import type { Bid } from './bid.entity';

export const COST_KINDS = ['capital', 'revenue'] as const;
export type CostKind = (typeof COST_KINDS)[number];
export const MATCH_FUNDING_KINDS = ['cash', 'in_kind'] as const;
export type MatchFundingKind = (typeof MATCH_FUNDING_KINDS)[number];

// One cell of the bid's cost profile: what it asks for in a financial year as capital or revenue.
@Entity('bid_cost_lines')
@Check('ck_bid_cost_lines_kind', `"kind" IN ('capital', 'revenue')`)
@Check('ck_bid_cost_lines_financial_year', `"financial_year" ~ '^[0-9]{4}/[0-9]{2}$'`)
@Check('ck_bid_cost_lines_positive', `"amount_pence" > 0`)
export class BidCostLine {
  @PrimaryColumn({ type: 'uuid' })
  bidId: string;

  @ManyToOne('Bid', 'costLines', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bid_id' })
  bid?: Bid;

  @PrimaryColumn({ type: 'text' })
  financialYear: string;

  @PrimaryColumn({ type: 'text' })
  kind: CostKind;

  @Column({ type: 'bigint', transformer: penceTransformer })
  amountPence: number;
}

@Entity('bid_match_funding')
@Check('ck_bid_match_funding_kind', `"kind" IN ('cash', 'in_kind')`)
@Check('ck_bid_match_funding_positive', `"amount_pence" > 0`)
@Index('uq_bid_match_funding_position', ['bidId', 'position'], { unique: true })
export class BidMatchFunding {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  bidId: string;

  @ManyToOne('Bid', 'matchFunding', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bid_id' })
  bid?: Bid;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'text' })
  kind: MatchFundingKind;

  @Column({ type: 'bigint', transformer: penceTransformer })
  amountPence: number;
}

// What the bid will do; returns later report outputs against each intervention's target.
@Entity('bid_interventions')
@Check('ck_bid_interventions_cost', `"cost_pence" > 0`)
@Check('ck_bid_interventions_target', `"output_target" IS NULL OR "output_target" > 0`)
@Index('uq_bid_interventions_position', ['bidId', 'position'], { unique: true })
export class BidIntervention {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  bidId: string;

  @ManyToOne('Bid', 'interventions', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bid_id' })
  bid?: Bid;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'text', default: '' })
  evidence: string;

  @Column({ type: 'bigint', transformer: penceTransformer })
  costPence: number;

  // e.g. "street lights installed" with a target of 40.
  @Column({ type: 'text', nullable: true })
  outputMeasure: string | null;

  @Column({ type: 'integer', nullable: true })
  outputTarget: number | null;
}
