import { z } from 'zod';
import { CPU_PERIOD_US, CPU_QUOTA_US, CPU_SHARES } from './constants';
import type { CpuTuning } from './domain';
import { quoteName } from './names';

/** libvirt's typed-parameter types. */
export const PARAM_TYPES = ['int', 'uint', 'llong', 'ullong', 'double', 'boolean', 'string'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** The scheduler type and its tunables, as libvirt's `posix` scheduler names them. */
export const SCHEDULER_TYPE = 'posix';
export const SCHED_PARAMS = {
  cpu_shares: { type: 'ullong', min: CPU_SHARES.min, max: CPU_SHARES.max, label: 'shares' },
  cpu_period: { type: 'ullong', min: CPU_PERIOD_US.min, max: CPU_PERIOD_US.max, label: 'period' },
  /** -1 means unlimited, as libvirt's `vcpu_quota`. */
  cpu_quota: { type: 'llong', min: CPU_QUOTA_US.min, max: CPU_QUOTA_US.max, label: 'quota' },
} as const satisfies Record<string, { type: ParamType; min: number; max: number; label: string }>;
export type SchedField = keyof typeof SCHED_PARAMS;
export const SCHED_FIELDS = Object.keys(SCHED_PARAMS) as SchedField[];
export const UNLIMITED_QUOTA = -1;

/** A parameter as the engine returns it (and as the checks below leave the request's). */
export const schedParamOutSchema = z.object({
  field: z.enum(Object.keys(SCHED_PARAMS) as [SchedField, ...SchedField[]]),
  type: z.enum(PARAM_TYPES),
  value: z.number(),
});
export type SchedParam = z.infer<typeof schedParamOutSchema>;

/** A parameter as a request carries it: loose here, so the checks below can answer in libvirt's words. */
export const schedParamSchema = z.strictObject({
  field: z.string().max(64),
  type: z.string().max(16),
  value: z.union([z.number(), z.string().max(64), z.boolean()]),
});

const isField = (f: string): f is SchedField => Object.hasOwn(SCHED_PARAMS, f);

/** The checks libvirt's virTypedParamsValidate makes, with its words, then the tunable's own range. */
function paramProblem(p: z.infer<typeof schedParamSchema>): string | null {
  if (!isField(p.field)) return `parameter '${quoteName(p.field)}' not supported`;
  const spec = SCHED_PARAMS[p.field];
  if (p.type !== spec.type) return `invalid type '${quoteName(p.type)}' for parameter '${p.field}', expected '${spec.type}'`;
  if (typeof p.value !== 'number' || !Number.isSafeInteger(p.value)) {
    return `value of parameter '${p.field}' must be an integer (${spec.type}), not ${quoteName(JSON.stringify(p.value))}`;
  }
  if (p.field === 'cpu_quota' && p.value === UNLIMITED_QUOTA) return null;
  if (p.value < spec.min || p.value > spec.max) {
    const unlimited = p.field === 'cpu_quota' ? ` or ${UNLIMITED_QUOTA} for unlimited` : '';
    return `${spec.label} '${p.value}' must be in range [${spec.min}, ${spec.max}]${unlimited}`;
  }
  return null;
}

export const schedParamsSchema = z
  .array(schedParamSchema)
  .min(1, { error: 'params must name at least one parameter' })
  .max(SCHED_FIELDS.length * 2)
  .superRefine((params, ctx) => {
    const seen = new Set<string>();
    params.forEach((p, i) => {
      const problem = paramProblem(p);
      if (problem) ctx.addIssue({ code: 'custom', path: [i], message: problem });
      else if (seen.has(p.field)) ctx.addIssue({ code: 'custom', path: [i], message: `parameter '${p.field}' is given more than once` });
      seen.add(p.field);
    });
  })
  // Past the checks above each entry is a known field with its own type and a number.
  .transform((params) => params as SchedParam[]);

const paramOf = (field: SchedField, value: number): SchedParam => ({ field, type: SCHED_PARAMS[field].type, value });

/**
 * The one mapping between a guest's CPU tuning (what a definition stores) and libvirt's scheduler parameters (what
 * `sched:*` speaks): every field present, an absent quota as -1 (unlimited).
 */
export function schedParamsOf(cpu: CpuTuning): SchedParam[] {
  return [
    paramOf('cpu_shares', cpu.shares ?? CPU_SHARES.default),
    paramOf('cpu_period', cpu.periodUs ?? CPU_PERIOD_US.default),
    paramOf('cpu_quota', cpu.quotaUs ?? UNLIMITED_QUOTA),
  ];
}

/** The CPU tuning with `params` applied (a quota of -1 removes the cap). */
export function withSchedParams(cpu: CpuTuning, params: readonly SchedParam[]): CpuTuning {
  const next: CpuTuning = { ...cpu };
  for (const p of params) {
    if (p.field === 'cpu_shares') next.shares = p.value;
    else if (p.field === 'cpu_period') next.periodUs = p.value;
    else if (p.value === UNLIMITED_QUOTA) delete next.quotaUs;
    else next.quotaUs = p.value;
  }
  return next;
}
