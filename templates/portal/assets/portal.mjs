// GOV.UK Frontend's components (error summary focus, double-click prevention, navigation toggle).
import { initAll } from '/assets/govuk/govuk-frontend.min.js';

initAll();
