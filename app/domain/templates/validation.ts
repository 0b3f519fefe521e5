import type { Template } from "liquidjs";
import type { Locale, TemplatedChannel } from "../notifications";
import { sampleContext, type TemplateContext } from "./context";
import { bodyEngine, cleanSubject, describe, ENGINES, parse, str, TEMPLATE_LIMITS, type Engine, type TemplateIssue } from "./engine";
import { closest, CONTEXT_SCHEMA, suggestVariable, unknownVariable, type Schema } from "./names";

/**
 * Validation at save time: a merchant's template is checked before it is stored, so a typo is an error
 * in the editor, not a blank in a customer's inbox. Size and tag counts first (cheap, before parsing),
 * then every variable name against the context's shape, then a strict render of sample orders.
 */

/** Liquid tags and outputs in the source, counted in one pass. */
function tagCount(source: string): number {
  let count = 0;
  for (let i = source.indexOf("{"); i !== -1; i = source.indexOf("{", i + 1)) {
    const next = source.charCodeAt(i + 1);
    if (next === 123 /* { */ || next === 37 /* % */) {
      count++;
      i++;
    }
  }
  return count;
}

/** Every variable the template reads from the context (any branch, any loop) must exist. */
function checkVariables(e: Engine, templates: Template[], field: TemplateIssue["field"]): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const analysis = e.liquid.analyzeSync(templates, { partials: false });
  for (const variables of Object.values(analysis.globals)) {
    for (const variable of variables) {
      const problem = checkPath(variable.segments);
      if (problem) {
        const line = variable.location.row;
        issues.push({ field, message: `${problem} (line ${line})`, line });
      }
    }
  }
  return dedupe(issues);
}

const SPECIAL = new Set(["size", "first", "last"]);

/** Walks a variable's segments down the context's shape; an explanation when it leaves it. */
function checkPath(segments: ReadonlyArray<unknown>): string | null {
  const written: string[] = [];
  for (const segment of segments) {
    if (typeof segment !== "string" && typeof segment !== "number") break; // a computed key: cannot check further
    written.push(String(segment));
  }
  let schema: Schema = CONTEXT_SCHEMA;
  for (let i = 0; i < written.length; i++) {
    const segment = written[i]!;
    const fail = (levelKeys: readonly string[], hint = "") => {
      const fixed = closest(segment, levelKeys);
      const suggestion = fixed ? [...written.slice(0, i), fixed, ...written.slice(i + 1)].join(".") : suggestVariable(written.join("."));
      return unknownVariable(written.join("."), suggestion) + hint;
    };
    if (Array.isArray(schema)) {
      if (/^\d+$/.test(segment) || segment === "first" || segment === "last") schema = schema[0];
      else if (segment === "size") return null;
      else return fail([...SPECIAL], ` ${written.slice(0, i).join(".")} is a list: loop over it with {% for s in ${written.slice(0, i).join(".")} %}…{% endfor %}.`);
    } else if (schema === "leaf") {
      return SPECIAL.has(segment) && i === written.length - 1 ? null : fail([]);
    } else if (Object.hasOwn(schema, segment)) {
      schema = schema[segment]!;
    } else if (i > 0 && segment === "size") {
      return null;
    } else {
      return fail(Object.keys(schema));
    }
  }
  return null;
}

function dedupe(issues: TemplateIssue[]): TemplateIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Strict render of a sample. A variable the sample lacks although the context's shape has it (say
 * `shipments[2]` with one shipment) depends on the data, not a typo: that sample is rendered again
 * leniently, still under the limits. Names outside the context (a loop variable's misspelled field)
 * stay errors.
 */
function renderSample(e: Engine, templates: Template[], sample: TemplateContext): string {
  try {
    return str(e.liquid.renderSync(templates, sample, { strictVariables: true }));
  } catch (error) {
    const missing = error instanceof Error ? /undefined variable: ([^,]+)/.exec(error.message)?.[1]?.trim() : undefined;
    const segments = missing?.split(".") ?? [];
    if (!missing || !Object.hasOwn(CONTEXT_SCHEMA, segments[0]!) || checkPath(segments) !== null) throw error;
    return str(e.liquid.renderSync(templates, sample, { strictVariables: false }));
  }
}

export type ValidationResult = { ok: true } | { ok: false; errors: TemplateIssue[] };

export interface TemplateInput {
  channel: TemplatedChannel;
  subject?: string | null;
  body: string;
  /** the language to render the samples in (default en) */
  locale?: Locale;
}

/**
 * Parses and renders the template against sample contexts (one shipment; three shipments from a
 * returning customer) with strict variables and filters, so a typo is an error at save time, not a
 * blank in a customer's inbox.
 */
export function validateTemplate(input: TemplateInput): ValidationResult {
  const errors: TemplateIssue[] = [];
  const locale = input.locale ?? "en";
  const samples = [sampleContext(locale), sampleContext(locale, { shipmentCount: 3, returning: true, moment: "delivered" })];

  const check = (field: TemplateIssue["field"], source: string, e: Engine, maxSource: number): string[] | null => {
    if (source.length > maxSource) {
      errors.push({ field, message: `Too long: at most ${maxSource} characters (this one has ${source.length}).` });
      return null;
    }
    const tags = tagCount(source);
    if (tags > TEMPLATE_LIMITS.tags) {
      errors.push({ field, message: `Too many Liquid tags: at most ${TEMPLATE_LIMITS.tags} {{ }} and {% %} together (this one has ${tags}). Use a loop instead of repeating a tag.` });
      return null;
    }
    let templates: Template[];
    try {
      templates = parse(e, source);
    } catch (error) {
      errors.push(describe(error, field));
      return null;
    }
    const unknown = checkVariables(e, templates, field);
    if (unknown.length) {
      errors.push(...unknown);
      return null;
    }
    const outputs: string[] = [];
    for (const sample of samples) {
      try {
        outputs.push(renderSample(e, templates, sample));
      } catch (error) {
        errors.push(describe(error, field));
        return null;
      }
    }
    return outputs;
  };

  if (input.channel === "email") {
    const subject = input.subject ?? "";
    if (!subject.trim()) errors.push({ field: "subject", message: "An email needs a subject." });
    else {
      const out = check("subject", subject, ENGINES.text, TEMPLATE_LIMITS.subjectSourceChars);
      if (out && out.every((o) => !cleanSubject(o))) errors.push({ field: "subject", message: "The subject comes out empty." });
      else if (out && out.some((o) => cleanSubject(o).length > TEMPLATE_LIMITS.subjectChars)) {
        errors.push({ field: "subject", message: `The subject is too long once filled in (at most ${TEMPLATE_LIMITS.subjectChars} characters).` });
      }
    }
  }

  if (!input.body.trim()) errors.push({ field: "body", message: "The message is empty." });
  else {
    const out = check("body", input.body, bodyEngine(input.channel), TEMPLATE_LIMITS.sourceChars);
    if (out) {
      const longest = Math.max(...out.map((o) => o.trim().length));
      if (out.every((o) => !o.trim())) errors.push({ field: "body", message: "The message comes out empty." });
      else if (input.channel === "sms" && longest > TEMPLATE_LIMITS.smsChars) {
        errors.push({
          field: "body",
          message: `This SMS is ${longest} characters once filled in with the sample order; the limit is ${TEMPLATE_LIMITS.smsChars} (carriers split long texts, and each part is billed).`,
        });
      } else if (input.channel === "email" && longest > TEMPLATE_LIMITS.emailChars) {
        errors.push({ field: "body", message: `This email is too large once filled in (${longest} characters; at most ${TEMPLATE_LIMITS.emailChars}).` });
      }
    }
  }

  return errors.length ? { ok: false, errors: dedupe(errors) } : { ok: true };
}
