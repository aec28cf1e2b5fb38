import { attachedDocumentsJsonSql } from '../documents/document-store';
import type { ScanStatus } from '../documents/document.lifecycle';
import type { OrganisationType } from '../organisations/organisation.entity';
import { liveBidCountSql } from './bid-lifecycle';

// What a submission's guards and emails need beside its bid and round, read in the same
// statement as the bid (BidStore.lockForSubmission): SQL over `bid` and its `round`, each
// answered by its alias.
export interface SubmissionFacts {
  year_caps: { financialYear: string; capPence: number }[];
  // The bid's organisation as it is now, with its PCC area's name.
  organisation_now: {
    type: OrganisationType;
    active: boolean;
    forceAreaCode: string | null;
    areaName: string | null;
  };
  // The active PCC of that area, and its active applicants (by email, at most 50).
  area_pcc: { id: string; name: string; contacts: { email: string; name: string }[] } | null;
  documents: { id: string; fileName: string; sha256: string; scanStatus: ScanStatus }[];
  // Other live bids in the organisation's area now (0 in none), and of the organisation.
  area_live: number;
  organisation_live: number;
}

const ORGANISATION_AREA = `(SELECT o.force_area_code FROM organisations o WHERE o.id = bid.organisation_id)`;

export const SUBMISSION_FACTS_SQL: Record<keyof SubmissionFacts, string> = {
  year_caps: `(SELECT coalesce(json_agg(json_build_object(
      'financialYear', c.financial_year, 'capPence', c.cap_pence) ORDER BY c.financial_year), '[]')
    FROM round_year_caps c WHERE c.round_id = round.id)`,
  organisation_now: `(SELECT json_build_object('type', o.type, 'active', o.active,
      'forceAreaCode', o.force_area_code, 'areaName', a.name)
    FROM organisations o LEFT JOIN police_force_areas a ON a.code = o.force_area_code
    WHERE o.id = bid.organisation_id)`,
  area_pcc: `(SELECT json_build_object('id', p.id, 'name', p.name, 'contacts',
      (SELECT coalesce(json_agg(json_build_object('email', u.email, 'name', u.name)
         ORDER BY u.email), '[]')
       FROM (SELECT email, name FROM users WHERE organisation_id = p.id AND role = 'applicant'
               AND active ORDER BY email LIMIT 50) u))
    FROM organisations p
    WHERE p.force_area_code = ${ORGANISATION_AREA} AND p.type = 'pcc' AND p.active)`,
  documents: attachedDocumentsJsonSql('bid', 'bid.id'),
  area_live: liveBidCountSql('force_area_code', {
    except: 'bid.id',
    round: 'bid.round_id',
    value: ORGANISATION_AREA,
  }),
  organisation_live: liveBidCountSql('organisation_id', {
    except: 'bid.id',
    round: 'bid.round_id',
    value: 'bid.organisation_id',
  }),
};
