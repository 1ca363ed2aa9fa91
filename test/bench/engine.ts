// Engine benchmark: 1,000,000 entitlements, 100,000 grants and 50,000 shifts generated in
// memory, evaluated once; prints evaluation time and peak RSS. Target: < 10 s, < 2 GiB.
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../../src/config/load.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { rules } from '../../src/rules/index.ts';
import { generate, NOW } from './_estate.ts';

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

const generateStart = performance.now();
const estate = generate();
const generateMs = performance.now() - generateStart;
const config = parseConfig({}, 'bench', {});
const evaluateStart = performance.now();
const cpuStart = process.cpuUsage();
const findings = evaluate({
  inventory: estate,
  grants: estate.grants,
  shifts: estate.shifts,
  people: { people: [], owners: [] },
  config,
  now: new Date(NOW),
  ...(process.env.BENCH_RULES !== undefined ? { rules: rules.filter((rule) => process.env.BENCH_RULES!.split(',').includes(rule.meta.id)) } : {}),
});
const evaluateMs = performance.now() - evaluateStart;
const cpu = process.cpuUsage(cpuStart);
const peakRss = process.resourceUsage().maxRSS * 1024;
const byRule = new Map<string, number>();
for (const finding of findings) byRule.set(finding.rule, (byRule.get(finding.rule) ?? 0) + 1);

console.log('engine benchmark');
console.log(`  estate:     ${estate.entitlements.length.toLocaleString('en')} entitlements, ${estate.grants.length.toLocaleString('en')} grants, ${estate.shifts.length.toLocaleString('en')} shifts, ${estate.principals.length.toLocaleString('en')} principals, ${estate.credentials.length.toLocaleString('en')} credentials`);
console.log(`  generate:   ${(generateMs / 1000).toFixed(2)} s`);
console.log(`  evaluate:   ${(evaluateMs / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU   (target < 10 s)`);
console.log(`  peak RSS:   ${gib(peakRss)}   (target < 2 GiB, whole process including the generated estate)`);
console.log(`  findings:   ${findings.length.toLocaleString('en')} (${[...byRule].map(([rule, count]) => `${rule} ${count}`).join(', ')})`);
