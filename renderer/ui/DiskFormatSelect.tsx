// The choice of a disk image's format, wherever a disk is named (the New guest dialog, the Settings tab).
import { DISK_FORMATS } from '../../shared';

export type DiskFormat = (typeof DISK_FORMATS)[number];

export function DiskFormatSelect({ id, value, onChange }: { id: string; value: DiskFormat; onChange: (format: DiskFormat) => void }) {
  return (
    <select id={id} className="input" value={value} onChange={(e) => onChange(e.currentTarget.value as DiskFormat)}>
      {DISK_FORMATS.map((f) => (
        <option key={f} value={f}>
          {f}
        </option>
      ))}
    </select>
  );
}
