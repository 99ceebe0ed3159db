// Extra sections of the bench report, after the allocator table.
//
// Any module in bench/sections/ is imported by run.mjs before the report is
// made (in file-name order) and may push entries here:
//
//   { name: 'replay-throughput',
//     async run(ctx) { return { lines: ['text for the report', ...], json: { ... } }; } }
//
// `ctx` is { machine, quick, seed }. `lines` are printed under a heading named
// after the section; `json` goes into the JSON report under sections[name].
// A section that throws is reported as failed; it does not stop the bench.

export const extraSections = [];
