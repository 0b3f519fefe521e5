/**
 * Message templates: Liquid, written by merchants, rendered for every notification. The public face of
 * this folder, the same names `~/domain/templates` has always had:
 * - ./keys: which message a template is;
 * - ./context: what a template sees, its sample, and the variables documented for the editor;
 * - ./engine: the Liquid engines, their limits, rendering at send time;
 * - ./validation: checking a merchant's template at save time;
 * - ./defaults: the templates Shipwatch ships, one data file per language.
 */
export { CUSTOMER_TEMPLATE_KEYS, isTemplateKey, TEMPLATE_KEY_LABELS, TEMPLATE_KEYS, type TemplateKey } from "./keys";
export {
  reasonLabel,
  SAMPLE_TRACK_TOKEN,
  sampleContext,
  statusLabel,
  TEMPLATE_VARIABLES,
  type SampleOptions,
  type TemplateContext,
  type TemplateShipment,
  type TemplateVariable,
} from "./context";
export { htmlToText, renderMessage, TEMPLATE_LIMITS, TemplateError, type RenderedMessage, type RenderInput, type TemplateIssue } from "./engine";
export { validateTemplate, type TemplateInput, type ValidationResult } from "./validation";
export { defaultTemplate, type DefaultTemplate } from "./defaults";
