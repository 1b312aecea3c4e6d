import type { ReportHead } from './inspect.js';
import type { InspectReport, TensorReport } from './report.js';

/**
 * The JSON report in pieces, for a report emitted tensor by tensor: `head`, then `tensor` for each,
 * then `end`. Their concatenation is exactly `JSON.stringify(report, null, 2)` plus a newline, so a
 * report of any length is written with memory for one tensor.
 */
export function jsonRenderer(): { head(h: ReportHead): string; tensor(t: TensorReport): string; end(skipped: InspectReport['skipped']): string } {
  let first = true;
  return {
    head(h) {
      // The report's own keys, in its order (the count is for the text head only).
      const open = JSON.stringify({ schemaVersion: h.schemaVersion, input: h.input, format: h.format, provenance: h.provenance }, null, 2);
      return `${open.slice(0, open.length - 2)},\n  "tensors": [`;
    },
    tensor(t) {
      const sep = first ? '\n' : ',\n';
      first = false;
      // Nested two deep, stringify indents the tensor as the report does; no second pass to indent.
      const nested = JSON.stringify([[t]], null, 2);
      return sep + nested.slice(NEST_OPEN, nested.length - NEST_CLOSE);
    },
    end(skipped) {
      const close = first ? ']' : '\n  ]';
      return `${close},\n  "skipped": ${indent(JSON.stringify(skipped, null, 2), '  ').trimStart()}\n}\n`;
    },
  };
}

/** Lengths of `[\n  [\n` and `\n  ]\n]` around a value stringified inside [[value]]. */
const NEST_OPEN = 6;
const NEST_CLOSE = 6;

function indent(text: string, pad: string): string {
  return pad + text.replaceAll('\n', `\n${pad}`);
}
