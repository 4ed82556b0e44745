// The New guest dialog: name (checked by the engine's own rule, in its words), memory, vCPUs, a disk (an existing
// image, a new empty one, or none), priority and extra devices; creates the guest and, if asked, starts it.
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { CPU_SHARES, DISK_FORMATS, GUEST_LIMITS, definitionInputSchema, guestNameProblem, imageFileNameSchema, type DefinitionInput } from '../../shared';
import { formatMultiplier } from '../model/priority-scale';
import { inUserWords } from '../model/user-words';
import { useActions, useApp } from '../store/context';
import type { CreateStep, DiskPlan } from '../store/workflows/create-guest';
import { DiskFormatSelect } from '../ui/DiskFormatSelect';
import { Field } from '../ui/Field';
import { Modal } from '../ui/Modal';
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
  const hostCpus = useApp((s) => s.host?.cpus);
  const imagesDir = useApp((s) => s.host?.imagesDir);
  const id = useId();

  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [memory, setMemory] = useState('256');
  const [vcpus, setVcpus] = useState('1');
  const [disk, setDisk] = useState<DiskChoice>('new');
  const [path, setPath] = useState('');
  const [pathFormat, setPathFormat] = useState<Format>('raw');
  const [imageFormat, setImageFormat] = useState<Format>('qcow2');
  const [imageName, setImageName] = useState<string | null>(null);
  const [imageSize, setImageSize] = useState('1024');
  const [shares, setShares] = useState<number>(CPU_SHARES.default);
  const [extra, setExtra] = useState<string[]>([]);
  const [startAfter, setStartAfter] = useState(true);
  const [submitted, setSubmitted] = useState(false);
  const [step, setStep] = useState<CreateStep | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  // Bumped on a refused submit: once the problems are rendered, the first invalid field takes the focus.
  const [focusInvalid, setFocusInvalid] = useState(0);
  useEffect(() => {
    if (focusInvalid > 0) document.querySelector<HTMLElement>(`[data-dialog="${id}"] [aria-invalid="true"]`)?.focus();
  }, [focusInvalid, id]);

  const fileName = imageName ?? imageNameFor(name, imageFormat);

  const definition = useMemo<Omit<DefinitionInput, 'disks'>>(
    () => ({
      name,
      memoryMiB: Number(memory),
      vcpus: Number(vcpus),
      cpu: shares === CPU_SHARES.default ? {} : { shares },
      devices: { extra, omitDefaults: [] },
    }),
    [name, memory, vcpus, shares, extra],
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
    const parsed = definitionInputSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] === 'disks' ? 'path' : String(issue.path[0] ?? 'form');
        p[key] ??= inUserWords(issue.message);
      }
    }
    if (disk === 'new') {
      const f = imageFileNameSchema.safeParse(fileName);
      if (!f.success) p.imageName = f.error.issues[0]?.message ?? 'invalid file name';
      const size = Number(imageSize);
      if (!Number.isInteger(size) || size < 1) p.imageSize = `size '${imageSize}' must be a whole number of MiB, at least 1`;
    }
    if (disk === 'existing' && path === '') p.path = 'enter the absolute path of an existing disk image';
    return p;
  }, [input, name, existing, disk, path, fileName, imageSize]);

  const show = (field: string) => (field === 'name' ? (nameTouched || submitted ? problems.name : null) : submitted ? problems[field] : null);
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
    const outcome = await creation.create({ definition, disk: diskPlan, start: startAfter }, (next) => {
      setStep(next);
      // Starting means the guest exists: from now on the dialog only closes.
      if (next === 'start') setCreated(name);
    });
    setStep(null);
    if (outcome.created) setCreated(name);
    if (outcome.failure) setFailure(`${STEP_FAIL[outcome.failure.step]}: ${outcome.failure.message}`);
    else onClose();
  };

  const field = (f: string) => ({
    'aria-invalid': show(f) ? true : undefined,
    'aria-describedby': show(f) ? `${id}-${f}-error` : undefined,
  });
  const locked = busy || created !== null;

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
              <Field id={`${id}-imageSize`} label="Size (MiB)" error={show('imageSize')}>
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
          {disk === 'existing' && (
            <div className="form-grid">
              <Field id={`${id}-path`} label="Image path" error={show('path')}>
                <input
                  id={`${id}-path`}
                  className="input input--wide"
                  value={path}
                  spellCheck={false}
                  placeholder="/var/lib/cgvirt/images/web.qcow2"
                  onChange={(e) => setPath(e.currentTarget.value)}
                  {...field('path')}
                />
              </Field>
              <Field id={`${id}-pathFormat`} label="Format">
                <DiskFormatSelect id={`${id}-pathFormat`} value={pathFormat} onChange={setPathFormat} />
              </Field>
            </div>
          )}
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
