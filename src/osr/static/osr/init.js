// Start the GOV.UK Frontend components on every page.
import { initAll } from "../govuk/govuk-frontend.min.js";
initAll();
