// The content security policy on every answer: the API docs page loads its own script and
// styles (Swagger UI writes some inline) and nothing from elsewhere, and forms post only here.
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'unsafe-inline'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

// The same policy for a page whose forms' answers may also send the browser on to `origins`
// (browsers hold the redirects after a form post to the page's form-action).
export function cspWithFormsTo(origins: string[]): typeof CSP_DIRECTIVES {
  return { ...CSP_DIRECTIVES, formAction: [...CSP_DIRECTIVES.formAction, ...origins] };
}
