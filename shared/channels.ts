import { z } from 'zod';
import { consoleTicketRequestSchema, consoleTicketSchema, mediaRequestSchema } from './consoles';
import { aclEntrySchema, hostDeviceSchema } from './devices';
import {
  brokenDefinitionSchema,
  DISK_BUSES,
  DISK_FORMATS,
  definitionInputSchema,
  devicePathSchema,
  diskSchema,
  hostPathSchema,
  scopeFlagsSchema,
  vmInfoSchema,
} from './domain';
import { DEFAULT_DEVICE_PATHS, GUEST_LIMITS } from './constants';
import { hostInfoSchema } from './host';
import { guestNameSchema } from './names';
import { SCHEDULER_TYPE, schedParamOutSchema, schedParamsSchema } from './sched';
import { statsHistorySchema } from './stats';

const empty = z.strictObject({});
const byName = z.strictObject({ name: guestNameSchema });
const readFlags = z
  .strictObject({ live: z.boolean().optional(), config: z.boolean().optional() })
  .refine((f) => !(f.live && f.config), { error: 'flags live and config are mutually exclusive when reading' })
  .optional();

/** An image the engine creates for a new guest: a plain file name inside the engine's images directory. */
export const imageFileNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
  error: 'image file name must be 1 to 128 letters, digits, dots, dashes or underscores, starting with a letter or digit',
});

/** A new empty image in the engine's images directory: its file name, format and size. */
const newImageFields = {
  fileName: imageFileNameSchema,
  format: z.enum(DISK_FORMATS),
  sizeMiB: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024),
};

/** A new empty image for a guest being created, added as its last disk. */
export const newDiskSchema = z.strictObject({ ...newImageFields, bus: z.enum(DISK_BUSES).default('virtio') });

const vmUpdateResultSchema = z.object({
  info: vmInfoSchema,
  /** Fields that took effect on the running guest now. */
  live: z.array(z.string()),
  /** Fields that take effect at the next start. */
  nextStart: z.array(z.string()),
});

/**
 * The one channel map: name → request schema → response schema. The router validates every request against it before
 * the engine's method for it runs (`methodOf`); adding a channel means an entry here and that method.
 */
export const channels = {
  'host:info': { request: empty, response: hostInfoSchema },
  'vm:list': { request: empty, response: z.array(vmInfoSchema) },
  'vm:broken': { request: empty, response: z.array(brokenDefinitionSchema) },
  'vm:get': { request: byName, response: vmInfoSchema },
  'vm:define': { request: definitionInputSchema, response: vmInfoSchema },
  /** Define with a new empty image, as one step: either the guest exists with its image, or neither does. */
  'vm:create': { request: z.strictObject({ definition: definitionInputSchema, newDisk: newDiskSchema.optional() }), response: vmInfoSchema },
  'vm:update': { request: definitionInputSchema, response: vmUpdateResultSchema },
  'vm:undefine': {
    request: z.strictObject({
      name: guestNameSchema,
      /** Also delete the guest's disks that are image files in the engine's images directory (what cgvirt made). */
      deleteImages: z.boolean().optional(),
    }),
    response: z.object({ name: z.string(), deletedImages: z.array(z.string()).default([]) }),
  },
  'vm:start': { request: byName, response: vmInfoSchema },
  'vm:shutdown': { request: byName, response: vmInfoSchema },
  'vm:destroy': { request: byName, response: vmInfoSchema },
  'vm:pause': { request: byName, response: vmInfoSchema },
  'vm:resume': { request: byName, response: vmInfoSchema },
  'vm:reboot': { request: byName, response: vmInfoSchema },
  'vm:attachDisk': {
    request: z.strictObject({ name: guestNameSchema, disk: diskSchema, flags: scopeFlagsSchema }),
    response: vmInfoSchema,
  },
  'vm:detachDisk': {
    request: z.strictObject({ name: guestNameSchema, path: hostPathSchema, flags: scopeFlagsSchema }),
    response: vmInfoSchema,
  },
  /** Insert or eject a CD-ROM drive's medium: live on a running guest (QMP), and kept in the definition. */
  'vm:media': { request: mediaRequestSchema, response: vmInfoSchema },
  /** A one-time ticket to open the guest's screen or serial console as a byte stream (shared/consoles.ts). */
  'console:ticket': { request: consoleTicketRequestSchema, response: consoleTicketSchema },
  'vm:log': {
    request: z.strictObject({
      name: guestNameSchema,
      lines: z.number().int().min(1).max(10000).default(200),
    }),
    response: z.object({ lines: z.array(z.string()) }),
  },
  'sched:getType': {
    request: byName,
    response: z.object({ type: z.literal(SCHEDULER_TYPE), nparams: z.number().int() }),
  },
  'sched:get': {
    request: z.strictObject({ name: guestNameSchema, flags: readFlags }),
    response: z.object({ params: z.array(schedParamOutSchema) }),
  },
  'sched:set': {
    request: z.strictObject({ name: guestNameSchema, params: schedParamsSchema, flags: scopeFlagsSchema }),
    response: z.object({ params: z.array(schedParamOutSchema) }),
  },
  'stats:history': { request: empty, response: statsHistorySchema },
  'devices:host': { request: empty, response: z.array(hostDeviceSchema) },
  'devices:get': { request: byName, response: z.array(aclEntrySchema) },
  'devices:set': {
    request: z.strictObject({
      name: guestNameSchema,
      extra: z.array(devicePathSchema).max(GUEST_LIMITS.extraDevices.max).optional(),
      omitDefaults: z.array(z.enum(DEFAULT_DEVICE_PATHS)).optional(),
      flags: scopeFlagsSchema,
    }),
    response: z.array(aclEntrySchema),
  },
  /** The files in the engine's images directory: ISOs to install from, disk images to import. */
  'storage:list': {
    request: empty,
    response: z.object({
      dir: z.string(),
      files: z.array(z.object({ name: z.string(), path: z.string(), sizeBytes: z.number(), kind: z.enum(['iso', 'image']) })),
    }),
  },
  'storage:create': {
    request: z.strictObject(newImageFields),
    response: z.object({ path: z.string() }),
  },
} as const;

export type Channels = typeof channels;
export type Channel = keyof Channels;
/** What a caller passes (defaults may be omitted). */
export type RequestOf<C extends Channel> = z.input<Channels[C]['request']>;
/** What a handler receives: validated, defaults filled in. */
export type ParsedRequestOf<C extends Channel> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends Channel> = z.infer<Channels[C]['response']>;

export const CHANNEL_NAMES = Object.keys(channels) as Channel[];
export const isChannel = (c: unknown): c is Channel => typeof c === 'string' && Object.hasOwn(channels, c);

/** The method that serves a channel: `vm:attachDisk` → `vmAttachDisk`, `host:info` → `hostInfo`. */
export type MethodOf<C extends Channel> = C extends `${infer Area}:${infer Verb}` ? `${Area}${Capitalize<Verb>}` : never;

/**
 * What serves the channel map, derived from it: one method per channel, taking the validated request and answering
 * the channel's response. The engine implements it; a missing or mistyped method is a compile error.
 */
export type ChannelApi = { [C in Channel as MethodOf<C>]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export function methodOf<C extends Channel>(channel: C): MethodOf<C> {
  const [area, verb] = channel.split(':') as [string, string];
  return `${area}${verb.charAt(0).toUpperCase()}${verb.slice(1)}` as MethodOf<C>;
}
