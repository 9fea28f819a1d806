/**
 * Every conformance check, suite by suite, in the order the suite runs them. The classic groups
 * come last: their last check may bring down a target that cannot choose a protocol.
 */
import type { Check } from '../check.js';
import { protocolChecks } from './protocol.js';
import { logChecks } from './log.js';
import { idempotenceChecks } from './idempotence.js';
import { groupChecks } from './groups.js';
import { consumerGroupChecks } from './consumer-groups.js';
import { groupSessionChecks } from './group-sessions.js';
import { processFaultChecks } from './process-faults.js';

export const allChecks: readonly Check[] = [...protocolChecks, ...logChecks, ...idempotenceChecks, ...processFaultChecks, ...consumerGroupChecks, ...groupSessionChecks, ...groupChecks];
