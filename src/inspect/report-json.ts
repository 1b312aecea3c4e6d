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
      return sep + indent(JSON.stringify(t, null, 2), '    ');
    },
    end(skipped) {
      const close = first ? ']' : '\n  ]';
      return `${close},\n  "skipped": ${indent(JSON.stringify(skipped, null, 2), '  ').trimStart()}\n}\n`;
    },
  };
}

function indent(text: string, pad: string): string {
  return pad + text.split('\n').join(`\n${pad}`);
}
