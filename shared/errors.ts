import { z } from 'zod';

/**
 * Error codes, named after libvirt's: INVALID_ARG names the parameter and what is allowed; NO_DOMAIN an unknown guest;
 * OPERATION_INVALID an operation the guest's state forbids (the state is named); OPERATION_FAILED the host or QEMU
 * refused (the step is named); UNSUPPORTED a missing host capability (which one); INTERNAL a bug (no details cross).
 */
export const ERROR_CODES = ['INVALID_ARG', 'NO_DOMAIN', 'OPERATION_INVALID', 'OPERATION_FAILED', 'UNSUPPORTED', 'INTERNAL'] as const;
export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const wireErrorSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type WireError = z.infer<typeof wireErrorSchema>;

/** The one error type the engine throws on purpose; anything else is reported as INTERNAL. */
export class CgvirtError extends Error {
  override readonly name = 'CgvirtError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const isCgvirtError = (e: unknown): e is CgvirtError =>
  e instanceof Error && (e as { name?: unknown }).name === 'CgvirtError' && ERROR_CODES.includes((e as CgvirtError).code);

export const invalidArg = (message: string) => new CgvirtError('INVALID_ARG', message);
export const noDomain = (name: string) => new CgvirtError('NO_DOMAIN', `no guest named '${name}'`);
export const operationInvalid = (message: string) => new CgvirtError('OPERATION_INVALID', message);
export const operationFailed = (message: string) => new CgvirtError('OPERATION_FAILED', message);
export const unsupported = (message: string) => new CgvirtError('UNSUPPORTED', message);
