const CHANGES = new Set(['PATCH', 'PUT', 'DELETE']);

// The strong ETag last seen for each resource (by path, without the query), sent back as
// If-Match when the resource is changed or a command is posted to it. Weak tags are not kept:
// the API refuses them in If-Match.
export class VersionTags {
  private readonly tags = new Map<string, string>();

  remember(request: Request, response: Response): void {
    const tag = response.headers.get('etag');
    // A created resource's tag is the tag of what Location names.
    const location = response.status === 201 ? response.headers.get('location') : null;
    const path = new URL(location ?? request.url, request.url).pathname;
    if (tag && !tag.startsWith('W/')) {
      this.tags.set(path, tag);
    } else if (request.method === 'DELETE' && response.ok) {
      this.tags.delete(path);
    }
  }

  tagRequest(request: Request): void {
    if (request.headers.has('if-match')) {
      return;
    }
    const tag = this.tagFor(request);
    if (tag) {
      request.headers.set('if-match', tag);
    }
  }

  private tagFor(request: Request): string | undefined {
    const path = new URL(request.url).pathname;
    if (CHANGES.has(request.method)) {
      return this.tags.get(path);
    }
    // A command on a resource: POST /bids/{id}/submit acts on /bids/{id}.
    if (request.method === 'POST') {
      return this.tags.get(path.slice(0, path.lastIndexOf('/')));
    }
    return undefined;
  }
}
