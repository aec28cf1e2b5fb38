import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Every way a decision, an offer, a variation or an award's delivery is refused, including the
// variation rules' codes (variation.rules.ts) and due diligence's.
export const AWARD_ERRORS = errorCatalogue({
  'award-not-active': {
    status: 409,
    message:
      "The award is not active; only an active award's returns and variations can be written.",
  },
  'due-diligence-invalid': { status: 422, message: 'A check cannot be dated in the future.' },
  'bid-not-finally-scored': {
    status: 409,
    message: 'Only a bid with a final score can be decided.',
  },
  'bid-already-decided': { status: 409, message: 'This bid already has a decision.' },
  'not-awaiting-second-approval': {
    status: 409,
    message: 'Only an award awaiting a second approval can be confirmed.',
  },
  'second-approver-must-differ': {
    status: 403,
    message: 'You made this award; a different approver must confirm it.',
  },
  'award-lines-invalid': {
    status: 422,
    message: 'The award does not match what the bid asked for; see errors. Nothing was recorded.',
  },
  'budget-exceeded': {
    status: 409,
    message:
      "The decision would take the round's live awards over its budget. Nothing was recorded.",
  },
  'outcomes-published': {
    status: 409,
    message:
      "The round's outcomes are published, so decisions can no longer be made, changed or published again.",
  },
  'variation-already-open': {
    status: 409,
    message:
      'The award already has a variation waiting for a decision; withdraw it or wait for the decision.',
  },
  'variation-not-open': {
    status: 409,
    message: 'This variation is no longer open, so it cannot be decided, confirmed or withdrawn.',
  },
  'outcome-not-published': {
    status: 409,
    message:
      'The outcome of this bid is not published yet; the bidder is emailed when the round publishes its outcomes.',
  },
  'offer-not-made': {
    status: 409,
    message: 'The offer letter exists once the round’s outcomes are published.',
  },
  'variation-not-approved': {
    status: 409,
    message: 'The variation letter exists once the variation is approved.',
  },
  'outcomes-not-ready': {
    status: 409,
    message: 'Some bids of the round are not finally decided; see errors. Nothing was published.',
  },
  'award-not-withdrawable': {
    status: 409,
    message: 'Only an offered or active award can be withdrawn.',
  },
  'offer-not-open': { status: 409, message: 'Only an open offer can be accepted or declined.' },
  'offer-expired': {
    status: 409,
    message:
      'The offer lapsed at its deadline, so it can no longer be accepted or declined. Contact the programme team.',
  },
  'due-diligence-missing': {
    status: 422,
    message:
      'No due diligence is recorded for the organisation; finance or a moderator records it first.',
  },
  'due-diligence-red': {
    status: 422,
    message: 'Due diligence on the organisation is rated red, which blocks an award.',
  },
  'due-diligence-amber': {
    status: 422,
    message:
      'Due diligence on the organisation is rated amber: record why the award goes ahead in dueDiligenceAcceptance.',
  },
  'variation-unchanged': {
    status: 422,
    message: 'The variation changes nothing; say what changes.',
  },
  'variation-unknown-quarter': {
    status: 422,
    message:
      'The variation names a quarter the award has no return for, or names one twice; give one amount per quarter and kind.',
  },
  'variation-over-award': {
    status: 422,
    message:
      'The varied award would be above the award; a variation moves money, it does not add any.',
  },
  'variation-nothing-left': {
    status: 422,
    message: 'The varied award would be £0.00: an award that ends is withdrawn, not varied.',
  },
  'variation-crosses-year': {
    status: 422,
    message: 'Money cannot move into a financial year (no carry-over between years).',
  },
  'variation-fixed-quarter': {
    status: 422,
    message: 'A quarter whose return is submitted or approved cannot change.',
  },
  'variation-below-claimed': {
    status: 422,
    message: 'A quarter cannot go below what its returns already claim.',
  },
  'variation-extension-invalid': {
    status: 422,
    message:
      "Delivery can be extended only to a later date within the award's last funded financial year.",
  },
  'variation-unknown-intervention': {
    status: 422,
    message: "The variation names an intervention the award's bid does not have.",
  },
});

export const awardError = errorsOf(AWARD_ERRORS);
