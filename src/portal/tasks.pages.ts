import { expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import { PORTAL_PAGES } from '../notifications/portal-links';
import { DECISION_PAGE } from './decisions.pages';
import { ENDORSEMENT_BID_PAGE } from './endorsement.pages';
import { frame, type Portal, sendPage, forSignedIn } from './portal-request';

type Task = Schemas['TaskDto'];

// What each kind of task asks the person to do, as the task list says it.
const TASK_ACTIONS: Record<Task['kind'], string> = {
  bid_draft_closing_soon: 'Finish and submit your draft bid: the round closes soon',
  bid_draft: 'Finish and submit your draft bid',
  bid_endorsement: 'Endorse or decline a bid in your area',
  offer_to_accept: 'Accept or decline your grant offer',
  return_due: 'Send your quarterly return',
  return_overdue: 'Send your overdue quarterly return',
  return_changes_requested: 'Change and send again the quarterly return finance sent back',
  assessment_declaration: 'Declare any conflict of interest',
  assessment_marks: 'Mark and submit your assessment',
  moderation: 'Moderate a bid the assessors scored far apart',
  second_approval: 'Give the second approval of an award',
  return_review: 'Review a submitted quarterly return',
  payment_to_make: 'Record the payment of an approved return',
};

// The page each task opens: the same pages the emails link to.
const TASK_PAGES: Record<Task['objectType'], string> = {
  bid: PORTAL_PAGES.bid,
  award: PORTAL_PAGES.award,
  delivery_return: PORTAL_PAGES.return,
  assessment_assignment: PORTAL_PAGES.assignment,
  return_payment: '/payments/{id}',
};

// Tasks whose page is not the object's own.
const KIND_PAGES: Partial<Record<Task['kind'], string>> = {
  moderation: '/moderation/bids/{id}',
  bid_endorsement: ENDORSEMENT_BID_PAGE,
  // The award is not offered yet: the approver reads the decision and answers it.
  second_approval: DECISION_PAGE,
};

// "Your tasks": everything waiting for the signed-in person, most urgent first, deadlines on a
// UK clock (as the API gives them).
export function taskPages(portal: Portal, pages: FastifyInstance): void {
  pages.get(
    '/tasks',
    forSignedIn(portal, async (me, request, reply) => {
      const list = await expectOk(me.api.GET('/api/v1/me/tasks'));
      const tasks = list.items.map((task) => ({
        ...task,
        action: TASK_ACTIONS[task.kind],
        // A bid to moderate or endorse opens that form, not the bidder's page of the bid.
        href: (KIND_PAGES[task.kind] ?? TASK_PAGES[task.objectType]).replace(
          '{id}',
          encodeURIComponent(task.objectId),
        ),
      }));
      return sendPage(
        portal,
        reply,
        'tasks',
        frame(reply, 'Your tasks', me.session, { section: 'tasks' }),
        {
          tasks,
          total: list.total,
          more: list.total > tasks.length,
        },
      );
    }),
  );
}
