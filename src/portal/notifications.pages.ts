import { expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import { frame, type Portal, sendPage, forSignedIn } from './portal-request';

type Notification = Schemas['MyNotificationDto'];

const PAGE_SIZE = 20;

// How an email's state reads to the person it was sent to.
const STATUS_TEXT: Record<Notification['status'], { text: string; colour: string }> = {
  pending: { text: 'Waiting to send', colour: 'grey' },
  sending: { text: 'Waiting to send', colour: 'grey' },
  sent: { text: 'Sent', colour: 'green' },
  failed: { text: 'Not delivered', colour: 'red' },
};

// "Your notifications": the emails the service sent the signed-in person, newest first, each
// with the page it was about, so a deleted or missed email loses nothing.
export function notificationPages(portal: Portal, pages: FastifyInstance): void {
  pages.get<{ Querystring: { page?: string } }>(
    '/notifications',
    forSignedIn(portal, async (me, request, reply) => {
      const asked = /^\d{1,6}$/.test(request.query.page ?? '') ? Number(request.query.page) : 1;
      const number = Math.max(1, asked);
      const list = await expectOk(
        me.api.GET('/api/v1/me/notifications', {
          params: { query: { limit: PAGE_SIZE, offset: (number - 1) * PAGE_SIZE } },
        }),
      );
      const pageCount = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
      return sendPage(
        portal,
        reply,
        'notifications',
        frame(
          reply,
          pageCount > 1
            ? `Your notifications (page ${number} of ${pageCount})`
            : 'Your notifications',
          me.session,
          { section: 'notifications' },
        ),
        {
          notifications: list.items.map((item) => ({
            ...item,
            statusText: STATUS_TEXT[item.status].text,
            statusColour: STATUS_TEXT[item.status].colour,
          })),
          total: list.total,
          previous: number > 1 ? `/notifications?page=${number - 1}` : undefined,
          next: number < pageCount ? `/notifications?page=${number + 1}` : undefined,
          paged: pageCount > 1,
          pageNumber: number,
          pageCount,
        },
      );
    }),
  );
}
