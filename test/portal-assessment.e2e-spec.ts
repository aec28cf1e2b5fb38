import type { AssignmentDto } from '../src/assessment/assessment-response.dto';
import { DEMO_PASSWORD } from './support/app';
import {
  type Assessor,
  AssessorDesk,
  type ClosedRound,
  closedRoundWithBids,
  dueIn,
  newAssessor,
} from './support/assessment';
import { startPortalBrowser, type PortalBrowser } from './support/portal';

// Assessors and moderators in the portal, in a real browser. A round in assessment has one
// bid and two assessors; the second has scored it top marks through the API. The first finds
// the assignment from "Your tasks", declares no conflict, reads the bid, marks each criterion
// (refused at the field for a missing mark and a missing justification), checks and submits;
// the scores are then far apart, and a moderator sets the agreed score. The other assessor
// finds nothing at the first one's assignment.
describe('assessment in the portal', () => {
  let portal: PortalBrowser;
  let played: ClosedRound;
  let first: Assessor;
  let second: Assessor;
  let assignment: AssignmentDto;

  beforeAll(async () => {
    portal = await startPortalBrowser();
    const { world } = portal;
    const { t } = world;
    [first, second] = await Promise.all([1, 2].map(() => newAssessor(t, world.as('admin'))));
    played = await closedRoundWithBids(
      world,
      [
        { by: world.pcc, title: 'Alley gates for Byker' },
        { by: world.pcc, title: 'Target hardening in Walker' },
      ],
      { assessmentsPerBid: 2 },
    );
    await t
      .http()
      .post(`/api/v1/rounds/${played.round.id}/start-assessment`)
      .set(world.as('moderator'))
      .send({ assessmentDueAt: dueIn(14) })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/rounds/${played.round.id}/assignments/auto`)
      .set(world.as('moderator'))
      .send({ assessorIds: [first.id, second.id] })
      .expect(200);
    const desk = new AssessorDesk(t, played);
    const theirs = await desk.assignmentOn(second, played.bids[0]);
    await desk.declareNoConflict(second, theirs.id);
    await desk.score(second, played.bids[0], [5, 5]);
    assignment = await desk.assignmentOn(first, played.bids[0]);
  }, 180_000);

  afterAll(() => portal?.close(), 30_000);

  it('an assessor declares, reads, marks each criterion and submits; a moderator sets the agreed score', async () => {
    const { baseUrl, world } = portal;
    const bid = played.bids[0];
    const page = await portal.newPage();
    await portal.signInStaff(page, first.email, first.password);

    // Both bids' declarations are waiting; this one is found by its address.
    await page.locator(`main a[href="/assignments/${assignment.id}"]`).click();
    await page.waitForURL(`${baseUrl}/assignments/${assignment.id}`);
    await portal.check(page, 'assignment');

    // Declaring: no answer is refused at the radios; "No" opens the bid and the marking.
    await page.getByRole('link', { name: 'Declare any conflict of interest' }).click();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.locator('#conflict-error').waitFor();
    await portal.check(page, 'assignment-declaration');
    await page.getByLabel('No').check();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(`${baseUrl}/assignments/${assignment.id}`);

    await page.getByRole('link', { name: 'Read the bid' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Burglary in these LSOAs is three times the force average.',
    );
    await portal.check(page, 'assignment-bid');
    await page.getByRole('link', { name: 'Back to the assessment' }).click();

    // A missing mark is refused beside the radios, the justification kept; a missing
    // justification is the API's refusal, beside the text box, the mark kept.
    await page.getByRole('link', { name: 'Mark: Strategic case' }).click();
    await page.getByLabel('Why this mark').fill('Weak problem profile; no baseline.');
    await page.getByRole('button', { name: 'Save and come back' }).click();
    await expect(page.locator('#mark-error').textContent()).resolves.toContain(
      'Give a mark from 0 to 5',
    );
    await expect(page.getByLabel('Why this mark').inputValue()).resolves.toBe(
      'Weak problem profile; no baseline.',
    );
    await page.getByLabel('1', { exact: true }).check();
    await page.getByLabel('Why this mark').fill('   ');
    await page.getByRole('button', { name: 'Save and come back' }).click();
    await page.locator('#justification-error').waitFor();
    await expect(
      page.locator('.govuk-error-summary a[href="#justification"]').count(),
    ).resolves.toBe(1);
    await expect(page.getByLabel('1', { exact: true }).isChecked()).resolves.toBe(true);
    await portal.check(page, 'assignment-mark');
    await page.getByLabel('Why this mark').fill('Weak problem profile; no baseline.');
    await page.getByRole('button', { name: 'Save and come back' }).click();
    await page.waitForURL(`${baseUrl}/assignments/${assignment.id}`);

    await page.getByRole('link', { name: 'Mark: Value for money' }).click();
    await page.getByLabel('1', { exact: true }).check();
    await page.getByLabel('Why this mark').fill('Costs are not benchmarked.');
    await page.getByRole('button', { name: 'Save and come back' }).click();
    await page.waitForURL(`${baseUrl}/assignments/${assignment.id}`);

    await page.getByRole('link', { name: 'Check your marks and submit' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Costs are not benchmarked.',
    );
    await portal.check(page, 'assignment-check');
    await page.getByRole('button', { name: 'Submit assessment' }).click();
    await page.waitForURL(`${baseUrl}/assignments/${assignment.id}/submitted`);
    await expect(page.locator('.govuk-panel').textContent()).resolves.toContain('20.00');
    await portal.check(page, 'assignment-submitted');

    await page.getByRole('link', { name: 'Your assessments' }).first().click();
    await expect(page.locator('main').textContent()).resolves.toContain(bid.reference);
    await portal.check(page, 'assignments');

    // The API holds the submitted marks.
    const held = await world.t
      .http()
      .get(`/api/v1/assignments/${assignment.id}`)
      .set(first.headers)
      .expect(200);
    expect(held.body).toMatchObject({ status: 'submitted', score: '20.00' });
    expect(
      (held.body as AssignmentDto).marks.map(({ criterionTitle, mark, justification }) => ({
        criterionTitle,
        mark,
        justification,
      })),
    ).toEqual(
      expect.arrayContaining([
        {
          criterionTitle: 'Strategic case',
          mark: 1,
          justification: 'Weak problem profile; no baseline.',
        },
        { criterionTitle: 'Value for money', mark: 1, justification: 'Costs are not benchmarked.' },
      ]),
    );
    await page.context().close();

    // 100 and 20 are far apart: a moderator sets the score the panel agreed.
    const moderator = await portal.newPage();
    await portal.signInStaff(moderator, 'moderator@demo.test', DEMO_PASSWORD);
    await moderator.getByRole('link', { name: 'Bids to moderate' }).click();
    await portal.check(moderator, 'moderation');
    await moderator.locator(`main a[href="/moderation/bids/${bid.id}"]`).click();
    await moderator.getByLabel('Set the score the panel agreed').check();
    await moderator.getByLabel('If you set it, the agreed score (0 to 100)').fill('64.5');
    await moderator.getByRole('button', { name: 'Save the final score' }).click();
    await moderator.locator('#reason-error').waitFor();
    await expect(
      moderator.getByLabel('If you set it, the agreed score (0 to 100)').inputValue(),
    ).resolves.toBe('64.5');
    await portal.check(moderator, 'moderation-bid');
    await moderator.getByLabel('Reason').fill('The panel agreed the partnership letters count.');
    await moderator.getByRole('button', { name: 'Save the final score' }).click();
    await expect(moderator.locator('main').textContent()).resolves.toContain(
      '64.50, from a moderated score',
    );
    const scores = await world.t
      .http()
      .get(`/api/v1/rounds/${played.round.id}/scores`)
      .set(world.as('moderator'))
      .expect(200);
    expect(scores.body).toContainEqual(
      expect.objectContaining({
        bidId: bid.id,
        finalScore: '64.50',
        finalBasis: 'moderated',
        moderationReason: 'The panel agreed the partnership letters count.',
      }),
    );
    await moderator.context().close();
  }, 150_000);

  it('the assessor who submitted can read the bid again from the assignment', async () => {
    const { baseUrl } = portal;
    const page = await portal.newPage();
    await portal.signInStaff(page, first.email, first.password);
    await page.goto(`${baseUrl}/assignments/${assignment.id}`);
    await expect(page.locator('main').textContent()).resolves.toContain(
      'You submitted this assessment.',
    );
    // Submitted is not "Cannot start yet": the bid they scored stays readable (the API lets them).
    await page.getByRole('link', { name: 'Read the bid' }).click();
    await page.waitForURL(`${baseUrl}/assignments/${assignment.id}/bid`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      played.bids[0].title,
    );
    await portal.check(page, 'assignment-bid-after-submission');
    await page.context().close();
  }, 90_000);

  it("another assessor finds nothing at the first one's assignment, and declares a conflict with the other bid", async () => {
    const { baseUrl, world } = portal;
    const page = await portal.newPage();
    await portal.signInStaff(page, second.email, second.password);

    // A conflict needs its reason (the API's refusal, beside the text box); once declared, the
    // assignment is over and the bid is not shown.
    const other = await new AssessorDesk(world.t, played).assignmentOn(second, played.bids[1]);
    await page.locator(`main a[href="/assignments/${other.id}"]`).click();
    await page.getByRole('link', { name: 'Declare any conflict of interest' }).click();
    await page.getByLabel('Yes', { exact: true }).check();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.locator('#reason-error').waitFor();
    await page
      .getByLabel('If yes, what is the conflict?')
      .fill('I chair the Walker residents’ group.');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(`${baseUrl}/assignments/${other.id}`);
    await expect(page.locator('main').textContent()).resolves.toContain(
      'You declared a conflict of interest with this bid',
    );
    await expect(page.getByRole('link', { name: 'Read the bid' }).count()).resolves.toBe(0);
    const ended = await world.t
      .http()
      .get(`/api/v1/assignments/${other.id}`)
      .set(second.headers)
      .expect(200);
    expect(ended.body).toMatchObject({
      status: 'conflict_declared',
      conflictReason: 'I chair the Walker residents’ group.',
    });

    const refused = await page.goto(`${baseUrl}/assignments/${assignment.id}`);
    expect(refused?.status()).toBe(404);
    await expect(page.locator('main').textContent()).resolves.not.toContain('Weak problem profile');
    const marking = await page.goto(
      `${baseUrl}/assignments/${assignment.id}/criteria/${played.round.criteria[0].id}`,
    );
    expect(marking?.status()).toBe(404);
    await page.context().close();
  }, 90_000);
});
