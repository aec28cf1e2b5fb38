import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Every way assigning, declaring, scoring or moderating an assessment is refused.
export const ASSESSMENT_ERRORS = errorCatalogue({
  'marks-invalid': {
    status: 422,
    message: 'Some marks cannot be saved; see errors. Nothing was saved.',
  },
  'assessment-incomplete': {
    status: 422,
    message: 'The assessment is not complete; see errors. Nothing was submitted.',
  },
  'assessment-blind': {
    status: 403,
    message: "Other assessors' marks stay hidden until you submit your own assessment of the bid.",
  },
  'assignment-conflicted': {
    status: 409,
    message:
      'You declared a conflict of interest with this bid, so you cannot work on its assessment.',
  },
  'declaration-required': {
    status: 409,
    message:
      'Declare whether you have a conflict of interest (POST /assignments/{id}/declaration) first.',
  },
  'assessment-submitted': {
    status: 409,
    message: 'Your assessment of this bid was submitted and is final.',
  },
  'affiliation-unknown': {
    status: 422,
    message: 'Some affiliations name organisations or force areas that do not exist; see errors.',
  },
  'already-assigned': {
    status: 409,
    message: 'This assessor is already assigned to the bid, or declared a conflict with it.',
  },
  'assessor-affiliated': {
    status: 409,
    message:
      'This assessor cannot assess the bid: they are tied to its organisation. Choose another assessor.',
  },
  'bid-fully-assigned': {
    status: 409,
    message: "The bid already has the round's number of assessors.",
  },
  'already-declared': {
    status: 409,
    message: 'A declaration on this assignment was already made and cannot be changed.',
  },
  'affiliation-declared': {
    status: 409,
    message: 'Your affiliations rule out this bid; declare a conflict with the reason instead.',
  },
  'not-an-assessor': {
    status: 422,
    message: 'Someone named is not an active assessor; choose from GET /assessors.',
  },
  'bid-already-scored': {
    status: 409,
    message: 'Every assessment of this bid is in; it needs moderation, not another assessor.',
  },
  'bid-not-ready-for-moderation': {
    status: 409,
    message:
      'This bid cannot be moderated now: its assessments are not all in, or it has moved on.',
  },
  'score-invalid': { status: 422, message: 'The moderated score is not valid; see errors.' },
  'assessment-deadline-past': {
    status: 422,
    message: 'The assessment deadline must be in the future.',
  },
});

export const assessmentError = errorsOf(ASSESSMENT_ERRORS);
