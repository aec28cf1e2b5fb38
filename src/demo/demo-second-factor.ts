// Development only: every demo staff user's second-factor secret (base32), published in the
// README and the start banner so that a newcomer or a script can compute the codes. The seed
// that stores it refuses production.
export const DEMO_SECOND_FACTOR_SECRET = 'LKJAHRXIL7LRQEHDCTEPH2CMCT254DLQ';

// The one line the banner prints for the current code (run from the project folder).
export const DEMO_CODE_COMMAND = `node -e "require('otplib').generate({ secret: '${DEMO_SECOND_FACTOR_SECRET}' }).then(console.log)"`;
