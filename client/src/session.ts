// The tokens of one signed-in session: a short-lived access token and the refresh token that
// gets the next pair (each refresh token is good once).
export interface Session {
  accessToken: string;
  refreshToken: string;
}

interface SessionOptions {
  session?: Session | null;
  onSessionChange?: (session: Session | null) => void;
}

const REFRESH_PATH = '/api/v1/auth/refresh';

// Sends each call with the session's access token and keeps the session alive: on a 401 to a
// call that carried a token, one refresh (shared by every call waiting on it), then the call
// again with the new token. A refresh the API refuses ends the session here.
export class SessionKeeper {
  private session: Session | null;
  private refreshing: Promise<Session | null> | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly fetch: typeof globalThis.fetch,
    private readonly options: SessionOptions,
  ) {
    this.session = options.session ?? null;
  }

  current(): Session | null {
    return this.session;
  }

  begin(tokens: Session): void {
    this.change({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
  }

  end(): void {
    this.change(null);
  }

  async send(request: Request): Promise<Response> {
    const used = this.session;
    // Kept unsent, so the call can be made again after a refresh (a body is read once).
    const again = used ? request.clone() : null;
    const response = await this.fetch(this.authorised(request, used));
    if (response.status !== 401 || !used || !again) {
      return response;
    }
    const renewed = await this.renew(used);
    if (!renewed) {
      return response;
    }
    await response.body?.cancel();
    return this.fetch(this.authorised(again, renewed));
  }

  private authorised(request: Request, session: Session | null): Request {
    if (!session || request.headers.has('authorization')) {
      return request;
    }
    const headers = new Headers(request.headers);
    headers.set('authorization', `Bearer ${session.accessToken}`);
    return new Request(request, { headers });
  }

  // The session after a refresh. Calls that failed with the same tokens wait on one exchange;
  // a call that used tokens already replaced just takes the newer ones.
  private async renew(used: Session): Promise<Session | null> {
    if (this.session && this.session.accessToken !== used.accessToken) {
      return this.session;
    }
    this.refreshing ??= this.exchange(used).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async exchange(used: Session): Promise<Session | null> {
    const response = await this.fetch(
      new Request(`${this.baseUrl}${REFRESH_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ refreshToken: used.refreshToken }),
      }),
    );
    if (!response.ok) {
      await response.body?.cancel();
      // Refused (spent, expired or ended): the session is over. A server error leaves it be.
      if (response.status < 500) {
        this.change(null);
      }
      return null;
    }
    const tokens = (await response.json()) as Session;
    this.begin(tokens);
    return this.session;
  }

  private change(session: Session | null): void {
    this.session = session;
    this.options.onSessionChange?.(session);
  }
}
