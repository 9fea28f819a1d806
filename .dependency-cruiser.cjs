/**
 * The layers of docs/architecture.md, as import rules. test/layers.test.ts runs them on every
 * `npm test`; `npx depcruise src spec` prints the same verdict. Dependencies point downwards:
 *
 *   src/core, src/protocol            nothing above them
 *   src/log                           protocol, core
 *   src/common                        protocol, log, core (what two machines share)
 *   src/machines/<one machine>/       the layers below, spec/ types; never a sibling machine's folder
 *   src/cluster (the node layer)      machines and below; never a shell
 *   src/sim, src/runtime (shells)     the node layer and below; never each other
 *   spec/                             never src/machines (the spec must not be defined by what it judges)
 */
const SHELLS_AND_ABOVE = '^src/(cluster|sim|runtime|scenario|cli|docs)/|^conformance/|^src/variants[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
/** The conformance modules that run kspec itself as the reference target. */
const CONFORMANCE_REFERENCE_ADAPTERS = '^src/conformance/(live-kspec|clause-targets)[.]ts$|^src/conformance/clients/(run|recording)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'protocol-imports-nothing-above',
      comment: 'src/protocol is the bottom layer beside src/core: message shapes, codecs, the registry.',
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: { path: '^(src/|spec/|conformance/)', pathNot: '^src/(protocol|core)/' },
    },
    {
      name: 'log-imports-only-protocol',
      comment: 'Storage knows the records it stores (protocol), nothing of who uses it.',
      severity: 'error',
      from: { path: '^src/log/' },
      to: { path: '^(src/|spec/|conformance/)', pathNot: '^src/(log|protocol|core)/' },
    },
    {
      name: 'common-imports-only-below',
      comment: 'src/common holds what more than one machine uses (metadata image, partitionFor, assignors): it sits below the machines.',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: '^(src/|spec/|conformance/)', pathNot: '^src/(common|log|protocol|core)/' },
    },
    {
      name: 'machines-never-import-shells',
      comment: 'A machine is pure: the node layer and the shells drive it, never the other way round.',
      severity: 'error',
      from: { path: '^src/machines/' },
      to: { path: SHELLS_AND_ABOVE },
    },
    {
      name: 'machine-folders-are-separate',
      comment: 'Machines share code only through a lower layer (src/common, src/protocol, src/log). The group rules (src/machines/group/) are the coordinator machine\'s own.',
      severity: 'error',
      from: { path: '^src/machines/([^/]+)/', pathNot: '^src/machines/(coordinator|group)/' },
      to: { path: '^src/machines/[^/]+/', pathNot: ['^src/machines/$1/'] },
    },
    {
      name: 'coordinator-machine-folders-are-separate',
      comment: 'The coordinator machine and its group rules import no other machine folder.',
      severity: 'error',
      from: { path: '^src/machines/(coordinator|group)/' },
      to: { path: '^src/machines/[^/]+/', pathNot: '^src/machines/(coordinator|group)/' },
    },
    {
      name: 'node-layer-never-imports-shells',
      comment: 'src/cluster is driven by both shells; it imports neither.',
      severity: 'error',
      from: { path: '^src/cluster/' },
      to: { path: '^src/(sim|runtime|scenario|cli)/|^conformance/' },
    },
    {
      name: 'sim-never-imports-runtime',
      severity: 'error',
      from: { path: '^src/sim/' },
      to: { path: '^src/runtime/' },
    },
    {
      name: 'runtime-never-imports-sim',
      severity: 'error',
      from: { path: '^src/runtime/' },
      to: { path: '^src/sim/' },
    },
    {
      name: 'no-cycles-in-the-lower-layers',
      comment: 'protocol, log and common are libraries: a cycle among them is a layering knot (the old protocol <-> log one).',
      severity: 'error',
      from: { path: '^src/(protocol|log|common|core)/' },
      to: { circular: true },
    },
    // The documentation site (scripts/docs*.ts) reads every layer; only the CLI's `kspec docs`
    // may reach it from src/, so no layer of the spec or the cluster depends on how it is documented.
    {
      name: 'only-the-cli-builds-docs',
      comment: 'scripts/docs* is the site builder: src/cli/commands/docs.ts runs it; nothing else in src/, spec/ or conformance/ imports it.',
      severity: 'error',
      from: { path: '^(src|spec|conformance)/', pathNot: '^src/cli/commands/docs[.]ts$' },
      to: { path: '^scripts/' },
    },
    {
      name: 'spec-never-imports-machines',
      comment: 'The spec must not be defined by the implementation it judges.',
      severity: 'error',
      from: { path: '^spec/' },
      to: { path: '^src/(machines|cluster|sim|runtime|scenario|cli)/' },
    },
    // Traces and the stepper (src/trace): above the simulator and the scenarios, below the CLI.
    {
      name: 'nothing-below-imports-trace',
      comment: 'src/trace writes, replays and steps through the simulator\'s traces; the simulator, the nodes, the machines and the spec never depend on it.',
      severity: 'error',
      from: { path: '^src/(core|protocol|log|common|machines|cluster|sim|scenario|runtime)/|^spec/' },
      to: { path: '^src/trace/' },
    },
    {
      name: 'trace-never-imports-cli-or-runtime',
      comment: 'The stepper\'s core and the trace format are used by the CLI (and later the conformance suite), not the other way round.',
      severity: 'error',
      from: { path: '^src/trace/' },
      to: { path: '^src/(cli|runtime)/' },
    },
    // The conformance suite (issue 16): a client of the wire protocol, judged by spec/.
    {
      name: 'client-imports-only-protocol',
      comment: 'src/client is kspec\'s own wire client: the codecs and record batches, nothing that models Kafka.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^(src/|spec/|conformance/)', pathNot: '^src/(client|protocol|core)/' },
    },
    {
      name: 'conformance-reaches-targets-through-the-client',
      comment: 'src/conformance judges other implementations: it uses the client, the spec\'s checkers and the codecs, never kspec\'s own machines or shells.',
      severity: 'error',
      from: { path: '^src/conformance/', pathNot: CONFORMANCE_REFERENCE_ADAPTERS },
      to: { path: '^src/(machines|cluster|sim|runtime|scenario|cli|common|log)/' },
    },
    {
      name: 'conformance-starts-kspec-only-through-its-shells',
      comment: 'The adapters that run kspec itself as a target (--target sim, the live cluster the client conformance drives, the gateway tap that records a client) start it through its shells and the node layer\'s tap, never by reaching into machines.',
      severity: 'error',
      from: { path: CONFORMANCE_REFERENCE_ADAPTERS },
      to: { path: '^src/(machines|scenario|cli|common|log)/' },
    },
    {
      name: 'spec-never-imports-conformance',
      comment: 'The checkers in spec/conformance judge histories; they know nothing of who recorded them.',
      severity: 'error',
      from: { path: '^spec/' },
      to: { path: '^src/(client|conformance)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^node_modules/' },
    // Type-only imports count: a machine that names a simulator type depends on the simulator.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
