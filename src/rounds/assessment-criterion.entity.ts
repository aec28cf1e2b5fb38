import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { FundingRound } from './funding-round.entity';

@Entity('assessment_criteria')
@Index('uq_assessment_criteria_position', ['roundId', 'position'], { unique: true })
@Check('ck_assessment_criteria_weight', `"weight" BETWEEN 1 AND 100`)
@Check('ck_assessment_criteria_max_mark', `"max_mark" BETWEEN 1 AND 100`)
export class AssessmentCriterion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  roundId: string;

  @ManyToOne(() => FundingRound, (round) => round.criteria, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'round_id' })
  round?: FundingRound;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: '' })
  guidance: string;

  @Column({ type: 'integer' })
  weight: number;

  @Column({ type: 'integer' })
  maxMark: number;
}
