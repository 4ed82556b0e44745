// Inline icons (no icon font, no network): simple strokes that take the text colour.
import type { ReactNode } from 'react';

const Svg = ({ children, size = 16 }: { children: ReactNode; size?: number }) => (
  <svg
    className="icon"
    width={size}
    height={size}
    viewBox="0 0 16 16"
    aria-hidden="true"
    focusable="false"
    fill="none"
    stroke="currentColor"
    strokeWidth="1.6"
    strokeLinecap="round"
    strokeLinejoin="round"
  >
    {children}
  </svg>
);

export const PlusIcon = () => (
  <Svg>
    <path d="M8 3v10M3 8h10" />
  </Svg>
);
export const PlayIcon = () => (
  <Svg>
    <path d="M5 3.5v9l7-4.5z" fill="currentColor" />
  </Svg>
);
export const PauseIcon = () => (
  <Svg>
    <path d="M5.5 3.5v9M10.5 3.5v9" strokeWidth="2.2" />
  </Svg>
);
export const PowerIcon = () => (
  <Svg>
    <path d="M8 2.5v5" />
    <path d="M4.6 4.6a5 5 0 1 0 6.8 0" />
  </Svg>
);
export const RebootIcon = () => (
  <Svg>
    <path d="M12.5 8a4.5 4.5 0 1 1-1.3-3.2M12.5 2.5v2.8H9.7" />
  </Svg>
);
export const PlugIcon = () => (
  <Svg>
    <path d="M6 2.5v3M10 2.5v3M4.5 5.5h7v2.5a3.5 3.5 0 0 1-7 0zM8 11.5v2" />
  </Svg>
);
export const TrashIcon = () => (
  <Svg>
    <path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5" />
  </Svg>
);
export const WarnIcon = () => (
  <Svg>
    <path d="M8 2.5l6 10.5H2z" />
    <path d="M8 6.5v3M8 11.3v.2" />
  </Svg>
);
export const CloseIcon = () => (
  <Svg>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Svg>
);
export const ChipIcon = ({ size = 48 }: { size?: number }) => (
  <Svg size={size}>
    <rect x="4" y="4" width="8" height="8" rx="1.2" />
    <path d="M6 2v2M8 2v2M10 2v2M6 12v2M8 12v2M10 12v2M2 6h2M2 8h2M2 10h2M12 6h2M12 8h2M12 10h2" strokeWidth="1" />
  </Svg>
);
