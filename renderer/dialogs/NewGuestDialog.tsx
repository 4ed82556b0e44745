// The New guest dialog: name (checked by the engine's own rule, in its words), memory, vCPUs, how the guest installs
// (an ISO in a CD-ROM drive booted first, an existing disk image, or a kernel booted directly), a disk (a new empty
// image, an existing one, or none), network, display, accelerator, priority and extra devices; creates the guest and,
// if asked, starts it. A refusal that names a field is shown beside it, in the dialog's words.
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import {
  CPU_SHARES,
  DISK_FORMATS,
  GUEST_LIMITS,
  definitionInputSchema,
  guestNameProblem,
  imageFileNameSchema,
  type AccelChoice,
  type DefinitionInput,
  type NicMode,
} from '../../shared';
import { INSTALL_CHOICES, NEW_GUEST_DEFAULTS, defaultVcpus, dialogField, dialogPathLabel, hardwareOf, type InstallChoice } from '../model/new-guest';
import { formatMultiplier } from '../model/priority-scale';
import { inUserWords, leadingPath } from '../model/user-words';
import { useActions, useApp } from '../store/context';
import type { CreateStep, DiskPlan } from '../store/workflows/create-guest';
import { AccelSelect } from '../ui/AccelSelect';
import { DiskFormatSelect } from '../ui/DiskFormatSelect';
import { Field } from '../ui/Field';
import { Modal } from '../ui/Modal';
import { NicConnection } from '../ui/NicConnection';
import { PrioritySlider } from '../ui/PrioritySlider';
import { ExtraDevicesPicker } from './ExtraDevicesPicker';

type DiskChoice = 'new' | 'existing' | 'none';
type Format = (typeof DISK_FORMATS)[number];

const STEP_TEXT: Record<CreateStep, string> = { define: 'Creating the guest…', start: 'Starting the guest…' };
const STEP_FAIL: Record<CreateStep, string> = {
  define: 'Could not create the guest',
  start: 'The guest was created but did not start',
};

/** A file name for the new image from the guest's name: the characters the engine allows, nothing else. */
const imageNameFor = (guest: string, format: Format) => {
  const base =
    guest
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 120) || 'guest';
  return `${base}.${format}`;
};

export function NewGuestDialog({ onClose }: { onClose: () => void }) {
  const actions = useActions();
  // One creation per dialog, retried as often as the user asks (each attempt is one engine operation).
  const [creation] = useState(() => actions.guestCreation());
  const existing = useApp((s) => s.vms);
  const host = useApp((s) => s.host);
  const hostCpus = host?.cpus;
  const imagesDir = host?.imagesDir;
  const id = useId();

  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [memory, setMemory] = useState(String(NEW_GUEST_DEFAULTS.memoryMiB));
  const [vcpus, setVcpus] = useState(() => String(defaultVcpus(hostCpus)));
  const [install, setInstall] = useState<InstallChoice>('iso');
  const [iso, setIso] = useState('');
  const [kernel, setKernel] = useState('');
  const [initrd, setInitrd] = useState('');
  const [cmdline, setCmdline] = useState('');
  const [network, setNetwork] = useState(true);
  const [networkMode, setNetworkMode] = useState<NicMode>('nat');
  const [bridge, setBridge] = useState('');
  const [display, setDisplay] = useState(true);
  const [accel, setAccel] = useState<AccelChoice>('auto');
  const [chosenDisk, setDisk] = useState<DiskChoice>('new');
  const [path, setPath] = useState('');
  const [pathFormat, setPathFormat] = useState<Format>('raw');
  const [imageFormat, setImageFormat] = useState<Format>('qcow2');
  const [imageName, setImageName] = useState<string | null>(null);
  const [imageSize, setImageSize] = useState(String(NEW_GUEST_DEFAULTS.imageSizeMiB));
  const [shares, setShares] = useState<number>(CPU_SHARES.default);
  const [extra, setExtra] = useState<string[]>([]);
  const [startAfter, setStartAfter] = useState(true);
  const [submitted, setSubmitted] = useState(false);
  const [step, setStep] = useState<CreateStep | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  // The engine's refusal of the last Create when it names a field: shown beside that field.
  const [refused, setRefused] = useState<{ field: string; message: string } | null>(null);
  // Bumped on a refused submit: once the problems are rendered, the first invalid field takes the focus.
  const [focusInvalid, setFocusInvalid] = useState(0);
  useEffect(() => {
    if (focusInvalid > 0) document.querySelector<HTMLElement>(`[data-dialog="${id}"] [aria-invalid="true"]`)?.focus();
  }, [focusInvalid, id]);

  const fileName = imageName ?? imageNameFor(name, imageFormat);
  // Importing an image means its disk is that image.
  const disk: DiskChoice = install === 'import' ? 'existing' : chosenDisk;
  // The pick-lists: the files in the engine's images directory (listed once per dialog; a failure only leaves the list
  // shorter), and the ISOs other guests use wherever they are.
  const [stored, setStored] = useState<{ path: string; kind: 'iso' | 'image' }[]>([]);
  useEffect(() => {
    let live = true;
    actions.listImages().then(
      (r) => live && setStored(r.files),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [actions]);
  const knownIsos = useMemo(
    () =>
      [
        ...new Set([
          ...stored.filter((f) => f.kind === 'iso').map((f) => f.path),
          ...Object.values(existing).flatMap((vm) => vm.definition.cdroms.flatMap((c) => (c.path ? [c.path] : []))),
        ]),
      ].sort(),
    [existing, stored],
  );
  const knownImages = useMemo(() => stored.filter((f) => f.kind === 'image').map((f) => f.path), [stored]);
  /** Whether the dialog shows `field` now (a refusal goes beside a field only if it is there). */
  const shown = (field: string) =>
    field === 'path'
      ? disk === 'existing'
      : field === 'iso'
        ? install === 'iso'
        : ['kernel', 'initrd', 'cmdline'].includes(field)
          ? install === 'kernel'
          : field === 'bridge'
            ? network && networkMode === 'bridge'
            : false;

  const definition = useMemo<Omit<DefinitionInput, 'disks'>>(
    () => ({
      name,
      memoryMiB: Number(memory),
      vcpus: Number(vcpus),
      cpu: shares === CPU_SHARES.default ? {} : { shares },
      devices: { extra, omitDefaults: [] },
      ...hardwareOf({ install, iso, kernel, initrd, cmdline, network, networkMode, bridge, display, accel }),
    }),
    [name, memory, vcpus, shares, extra, install, iso, kernel, initrd, cmdline, network, networkMode, bridge, display, accel],
  );
  const diskPlan: DiskPlan =
    disk === 'new'
      ? { kind: 'new', fileName, format: imageFormat, sizeMiB: Number(imageSize) }
      : disk === 'existing'
        ? { kind: 'existing', path, format: pathFormat }
        : { kind: 'none' };
  // What the engine's schema checks: a new image's path is not known before it is made, so a stand-in takes its place.
  const input = useMemo<DefinitionInput>(
    () => ({
      ...definition,
      disks: disk === 'existing' ? [{ path, format: pathFormat }] : disk === 'new' ? [{ path: '/new-image', format: imageFormat }] : [],
    }),
    [definition, disk, path, pathFormat, imageFormat],
  );

  // The engine's own checks, so the words match what it would answer.
  const problems = useMemo(() => {
    const p: Record<string, string> = {};
    const nameProblem = guestNameProblem(name);
    if (nameProblem) p.name = nameProblem;
    else if (Object.hasOwn(existing, name)) p.name = `a guest named '${name}' already exists`;
    if (network && networkMode === 'bridge' && bridge === '') p.bridge = 'choose the host bridge the card joins';
    const parsed = definitionInputSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) p[dialogField(issue.path)] ??= inUserWords(issue.message, dialogPathLabel);
    }
    if (disk === 'new') {
      const f = imageFileNameSchema.safeParse(fileName);
      if (!f.success) p.imageName = f.error.issues[0]?.message ?? 'invalid file name';
      const size = Number(imageSize);
      if (!Number.isInteger(size) || size < 1) p.imageSize = `size '${imageSize}' must be a whole number of MiB, at least 1`;
    }
    if (disk === 'existing' && path === '') p.path = 'enter the absolute path of an existing disk image';
    if (install === 'kernel' && kernel === '') p.kernel = 'enter the absolute path of the kernel to boot';
    return p;
  }, [input, name, existing, disk, path, fileName, imageSize, install, kernel, network, networkMode, bridge]);

  // A refusal does not block the next Create (the file may be there by then); it shows until its field changes.
  const show = (field: string) => {
    if (field === 'name') return nameTouched || submitted ? problems.name : null;
    if (!submitted) return null;
    return problems[field] ?? (refused?.field === field ? refused.message : null);
  };
  const busy = step !== null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setNameTouched(true);
    if (created) {
      onClose();
      return;
    }
    if (Object.keys(problems).length > 0) {
      setFocusInvalid((n) => n + 1);
      return;
    }
    setFailure(null);
    setRefused(null);
    const outcome = await creation.create({ definition, disk: diskPlan, start: startAfter }, (next) => {
      setStep(next);
      // Starting means the guest exists: from now on the dialog only closes.
      if (next === 'start') setCreated(name);
    });
    setStep(null);
    if (outcome.created) setCreated(name);
    const fail = outcome.failure;
    if (!fail) return onClose();
    const at = fail.step === 'define' ? leadingPath(fail.message) : null;
    const fieldOfRefusal = at && dialogField(at);
    if (fieldOfRefusal && shown(fieldOfRefusal)) {
      setRefused({ field: fieldOfRefusal, message: inUserWords(fail.message, dialogPathLabel) });
      setFocusInvalid((n) => n + 1);
    } else setFailure(`${STEP_FAIL[fail.step]}: ${fail.message}`);
  };
  /** A change to a field the engine refused clears that refusal: the next Create asks again. */
  const changed =
    <T,>(f: string, set: (v: T) => void) =>
    (v: T) => {
      if (refused?.field === f) setRefused(null);
      set(v);
    };

  const field = (f: string) => ({
    'aria-invalid': show(f) ? true : undefined,
    'aria-describedby': show(f) ? `${id}-${f}-error` : undefined,
  });
  const locked = busy || created !== null;
  // The existing image: the disk beside an ISO or a kernel, or the guest's whole system when importing.
  const existingImageFields = (
    <div className="form-grid">
      <Field id={`${id}-path`} label="Image path" error={show('path')}>
        <input
          id={`${id}-path`}
          className="input input--wide"
          value={path}
          spellCheck={false}
          list={knownImages.length ? `${id}-images` : undefined}
          placeholder="/var/lib/cgvirt/images/web.qcow2"
          onChange={(e) => changed('path', setPath)(e.currentTarget.value)}
          {...field('path')}
        />
      </Field>
      {knownImages.length > 0 && (
        <datalist id={`${id}-images`}>
          {knownImages.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      )}
      <Field id={`${id}-pathFormat`} label="Format">
        <DiskFormatSelect id={`${id}-pathFormat`} value={pathFormat} onChange={setPathFormat} />
      </Field>
    </div>
  );

  return (
    <Modal title="New guest" onClose={() => !busy && onClose()} className="modal--wide">
      <form className="new-guest" data-dialog={id} onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-grid">
          <Field id={`${id}-name`} label="Name" error={show('name')}>
            <input
              id={`${id}-name`}
              className="input"
              value={name}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
              disabled={locked}
              onChange={(e) => setName(e.currentTarget.value)}
              onBlur={() => name !== '' && setNameTouched(true)}
              {...field('name')}
            />
          </Field>
          <Field id={`${id}-memoryMiB`} label="Memory (MiB)" error={show('memoryMiB')}>
            <input
              id={`${id}-memoryMiB`}
              className="input input--number"
              type="number"
              min={GUEST_LIMITS.memoryMiB.min}
              max={GUEST_LIMITS.memoryMiB.max}
              step={64}
              value={memory}
              disabled={locked}
              onChange={(e) => setMemory(e.currentTarget.value)}
              {...field('memoryMiB')}
            />
          </Field>
          <Field id={`${id}-vcpus`} label="vCPUs" error={show('vcpus')} hint={hostCpus ? `the host has ${hostCpus}` : undefined}>
            <input
              id={`${id}-vcpus`}
              className="input input--number"
              type="number"
              min={GUEST_LIMITS.vcpus.min}
              max={GUEST_LIMITS.vcpus.max}
              value={vcpus}
              disabled={locked}
              onChange={(e) => setVcpus(e.currentTarget.value)}
              {...field('vcpus')}
            />
          </Field>
        </div>

        <fieldset className="fieldset" disabled={locked}>
          <legend className="field-label">How to install</legend>
          <div className="radio-row">
            {INSTALL_CHOICES.map(([value, text]) => (
              <span key={value} className="radio">
                <input
                  id={`${id}-install-${value}`}
                  type="radio"
                  name={`${id}-install`}
                  checked={install === value}
                  onChange={() => {
                    setRefused(null);
                    setInstall(value);
                  }}
                />
                <label htmlFor={`${id}-install-${value}`}>{text}</label>
              </span>
            ))}
          </div>
          {install === 'iso' && (
            <div className="form-grid">
              <Field
                id={`${id}-iso`}
                label="ISO image"
                error={show('iso')}
                hint={`opened read-only in a CD-ROM drive, booted first${imagesDir ? `; ISOs usually go in ${imagesDir}` : ''}. Empty: an empty drive (insert an ISO later in the Settings tab)`}
              >
                <input
                  id={`${id}-iso`}
                  className="input input--wide"
                  value={iso}
                  spellCheck={false}
                  list={knownIsos.length ? `${id}-isos` : undefined}
                  placeholder={`${imagesDir ?? '/var/lib/cgvirt/images'}/debian-12-netinst.iso`}
                  onChange={(e) => changed('iso', setIso)(e.currentTarget.value)}
                  {...field('iso')}
                />
              </Field>
              {knownIsos.length > 0 && (
                <datalist id={`${id}-isos`}>
                  {knownIsos.map((p) => (
                    <option key={p} value={p} />
                  ))}
                </datalist>
              )}
            </div>
          )}
          {install === 'import' && existingImageFields}
          {install === 'kernel' && (
            <div className="form-grid">
              <Field id={`${id}-kernel`} label="Kernel" error={show('kernel')} hint="the firmware loads this kernel instead of booting a disk">
                <input
                  id={`${id}-kernel`}
                  className="input input--wide"
                  value={kernel}
                  spellCheck={false}
                  placeholder="/boot/vmlinuz"
                  onChange={(e) => changed('kernel', setKernel)(e.currentTarget.value)}
                  {...field('kernel')}
                />
              </Field>
              <Field id={`${id}-initrd`} label="Initrd" error={show('initrd')} hint="optional">
                <input
                  id={`${id}-initrd`}
                  className="input input--wide"
                  value={initrd}
                  spellCheck={false}
                  placeholder="/boot/initrd.img"
                  onChange={(e) => changed('initrd', setInitrd)(e.currentTarget.value)}
                  {...field('initrd')}
                />
              </Field>
              <Field id={`${id}-cmdline`} label="Kernel command line" error={show('cmdline')}>
                <input
                  id={`${id}-cmdline`}
                  className="input input--wide"
                  value={cmdline}
                  spellCheck={false}
                  placeholder="console=ttyS0 root=/dev/vda"
                  onChange={(e) => changed('cmdline', setCmdline)(e.currentTarget.value)}
                  {...field('cmdline')}
                />
              </Field>
            </div>
          )}
        </fieldset>

        {install !== 'import' && (
          <fieldset className="fieldset" disabled={locked}>
            <legend className="field-label">Disk</legend>
            <div className="radio-row">
              {(
                [
                  ['new', 'Create a new empty image'],
                  ['existing', 'Use an existing image'],
                  ['none', 'No disk'],
                ] as const
              ).map(([value, text]) => (
                <span key={value} className="radio">
                  <input id={`${id}-disk-${value}`} type="radio" name={`${id}-disk`} checked={disk === value} onChange={() => setDisk(value)} />
                  <label htmlFor={`${id}-disk-${value}`}>{text}</label>
                </span>
              ))}
            </div>
            {disk === 'new' && (
              <div className="form-grid">
                <Field
                  id={`${id}-imageName`}
                  label="New image file"
                  error={show('imageName')}
                  hint={`created in the engine’s images directory${imagesDir ? `, ${imagesDir}` : ''}`}
                >
                  <input
                    id={`${id}-imageName`}
                    className="input"
                    value={fileName}
                    spellCheck={false}
                    onChange={(e) => setImageName(e.currentTarget.value)}
                    {...field('imageName')}
                  />
                </Field>
                <Field id={`${id}-imageFormat`} label="Format">
                  <DiskFormatSelect
                    id={`${id}-imageFormat`}
                    value={imageFormat}
                    onChange={(f) => {
                      setImageFormat(f);
                      if (imageName !== null) setImageName(imageName.replace(/\.(raw|qcow2)$/, `.${f}`));
                    }}
                  />
                </Field>
                <Field
                  id={`${id}-imageSize`}
                  label="Size (MiB)"
                  error={show('imageSize')}
                  hint={imageFormat === 'qcow2' ? 'qcow2 grows as the guest writes' : undefined}
                >
                  <input
                    id={`${id}-imageSize`}
                    className="input input--number"
                    type="number"
                    min={1}
                    value={imageSize}
                    onChange={(e) => setImageSize(e.currentTarget.value)}
                    {...field('imageSize')}
                  />
                </Field>
              </div>
            )}
            {disk === 'existing' && existingImageFields}
          </fieldset>
        )}

        <fieldset className="fieldset" disabled={locked}>
          <legend className="field-label">Hardware</legend>
          <span className="checkbox-field">
            <input id={`${id}-network`} type="checkbox" className="checkbox" checked={network} onChange={(e) => setNetwork(e.currentTarget.checked)} />
            <label htmlFor={`${id}-network`}>Network (a virtio card)</label>
          </span>
          {network && (
            <div className="form-grid">
              <NicConnection
                id={`${id}-nic`}
                host={host}
                mode={networkMode}
                bridge={bridge}
                bridgeError={show('bridge')}
                onChange={(c) => {
                  if (refused?.field === 'bridge') setRefused(null);
                  setNetworkMode(c.mode);
                  setBridge(c.bridge);
                }}
              />
            </div>
          )}
          <span className="checkbox-field">
            <input id={`${id}-display`} type="checkbox" className="checkbox" checked={display} onChange={(e) => setDisplay(e.currentTarget.checked)} />
            <label htmlFor={`${id}-display`}>Display (a VGA screen in the Console tab)</label>
          </span>
          <div className="form-grid">
            <AccelSelect id={`${id}-accel`} host={host} value={accel} onChange={setAccel} />
          </div>
        </fieldset>

        <div className="field">
          <PrioritySlider shares={shares} disabled={locked} onPreview={setShares} onCommit={setShares} />
          <p className="hint">
            {formatMultiplier(shares)} of the default ({shares} shares). You can change it any time, also while the guest runs.
          </p>
        </div>

        <ExtraDevicesPicker chosen={extra} disabled={locked} onChange={setExtra} />

        <span className="checkbox-field">
          <input
            id={`${id}-start`}
            type="checkbox"
            className="checkbox"
            checked={startAfter}
            disabled={locked}
            onChange={(e) => setStartAfter(e.currentTarget.checked)}
          />
          <label htmlFor={`${id}-start`}>Start the guest after creating it</label>
        </span>

        {problems.form && submitted && <p className="field-error">{problems.form}</p>}
        {failure && (
          <p className="field-error" role="alert">
            {failure}
          </p>
        )}
        {step && (
          <p className="notice" role="status">
            {STEP_TEXT[step]}
          </p>
        )}

        <div className="modal__actions">
          {created === null && (
            <button type="button" className="button" disabled={busy} onClick={onClose}>
              Cancel
            </button>
          )}
          <button type="submit" className="button button--primary" disabled={busy}>
            {created !== null ? 'Close' : startAfter ? 'Create and start' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
