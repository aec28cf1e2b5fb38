// Readable, stable operationIds (what generated clients name their functions), one per route,
// keyed by controller class and method. A route's own @ApiOperation({ operationId }) wins over
// this table; a route in neither gets `<method><Resource>` from its names, e.g. `listTasks` for
// TasksController.list (test/openapi-document.e2e-spec.ts checks they are camelCase and unique).
const OPERATION_IDS: Record<string, Record<string, string>> = {
  AuditController: { list: 'listAuditEvents' },
  EmailOutboxController: { list: 'listEmails', get: 'getEmail', retry: 'retryEmail' },
  OrganisationsController: {
    forceAreas: 'listPoliceForceAreas',
    list: 'listOrganisations',
    create: 'createOrganisation',
    get: 'getOrganisation',
    update: 'updateOrganisation',
  },
  UsersController: {
    create: 'createUser',
    list: 'listUsers',
    get: 'getUser',
    update: 'updateUser',
    history: 'getUserHistory',
    resendInvitation: 'resendInvitation',
    deactivate: 'deactivateUser',
    reactivate: 'reactivateUser',
  },
  RoundsController: {
    list: 'listRounds',
    create: 'createRound',
    get: 'getRound',
    update: 'updateRound',
    publish: 'publishRound',
    close: 'closeRound',
  },
  BidsController: {
    list: 'listBids',
    create: 'createBid',
    get: 'getBid',
    update: 'updateBid',
    eligibility: 'checkBidEligibility',
    submit: 'submitBid',
    withdraw: 'withdrawBid',
  },
  BidEndorsementController: {
    endorse: 'endorseBid',
    decline: 'declineBidEndorsement',
    ranking: 'getPccRanking',
    rank: 'setPccRanking',
  },
  AssessmentController: {
    start: 'startAssessment',
    failEligibility: 'failBidEligibility',
    autoAssign: 'autoAssignAssessors',
    assign: 'assignAssessor',
    assessments: 'listBidAssessments',
    scores: 'listRoundScores',
    moderate: 'moderateBid',
    ranking: 'getRoundRanking',
  },
  AssignmentsController: {
    list: 'listAssignments',
    get: 'getAssignment',
    declare: 'declareConflictOfInterest',
    bid: 'getAssignedBid',
    saveMarks: 'saveMarks',
    submit: 'submitAssessment',
    assessors: 'listAssessors',
    me: 'getMyAssessorProfile',
    declareAffiliations: 'declareAffiliations',
  },
  AwardsController: {
    fundingLine: 'getFundingLine',
    decide: 'decideBid',
    publishOutcomes: 'publishOutcomes',
    roundDecisions: 'listRoundDecisions',
    get: 'getDecision',
    secondApproval: 'approveDecision',
    recordDueDiligence: 'recordDueDiligence',
    dueDiligenceHistory: 'listDueDiligence',
  },
  OffersController: {
    outcome: 'getBidOutcome',
    get: 'getAward',
    letter: 'downloadOfferLetter',
    accept: 'acceptOffer',
    decline: 'declineOffer',
    withdraw: 'withdrawAward',
  },
  ReturnsController: {
    list: 'listReturns',
    get: 'getReturn',
    save: 'saveReturn',
    submit: 'submitReturn',
    approve: 'approveReturn',
    requestChanges: 'requestReturnChanges',
    position: 'getAwardPosition',
  },
  PaymentsController: { list: 'listPayments', get: 'getPayment', record: 'recordPayment' },
  ReportsController: { spendSummary: 'getSpendSummary' },
  ExportsController: { request: 'requestExport', get: 'getExport', download: 'downloadExport' },
  OpenDataController: { grants: 'listOpenDataGrants' },
  HealthController: { alive: 'checkLiveness', ready: 'checkReadiness' },
  AuthController: { login: 'login', me: 'getMe' },
  SessionsController: {
    refresh: 'refreshToken',
    logout: 'logout',
    listOwn: 'listMySessions',
    endOwn: 'endMySession',
    endAllOfUser: 'endUserSessions',
  },
  PasswordController: { change: 'changePassword', completeReset: 'completePasswordReset' },
  SecondFactorController: {
    complete: 'completeSecondFactorLogin',
    start: 'startSecondFactorEnrolment',
    confirm: 'confirmSecondFactorEnrolment',
    reset: 'resetUserSecondFactor',
  },
  SsoController: { start: 'startSso', callback: 'completeSso' },
  AccountsController: {
    accept: 'acceptInvitation',
    requestReset: 'requestPasswordReset',
  },
};

// `<method><Resource>` from the names: TasksController.list → listTasks.
function derived(controllerKey: string, methodKey: string): string {
  const resource = controllerKey.replace(/Controller$/, '');
  return `${methodKey}${resource.charAt(0).toUpperCase()}${resource.slice(1)}`;
}

// SwaggerModule's operationIdFactory.
export function operationIdFor(controllerKey: string, methodKey: string): string {
  return OPERATION_IDS[controllerKey]?.[methodKey] ?? derived(controllerKey, methodKey);
}
