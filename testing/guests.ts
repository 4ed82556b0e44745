// Generated 512-byte boot-sector guests: enough for real QEMU to run real guest code, under TCG and under KVM.
// The programs are 16-bit real-mode x86 machine code, written out by hand, one instruction per line. The BIOS loads
// the sector at 0000:7C00 and jumps there with interrupts on; absolute addresses below are 0x7C00 + an offset.
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Echo on the first serial port (COM1, I/O 0x3F8, IRQ 4 = interrupt 0x0C with the BIOS's PIC layout): prints the
 * banner "cgvirt-echo\r\n", then sends every byte it receives straight back. It sleeps in `hlt` between bytes (the
 * UART's receive interrupt wakes it), so an idle echo guest costs no more CPU than `halt`.
 */
const ECHO = [
  // 00 start: segments and stack
  ...[0xfa], //                      cli                     no interrupt until the vector is in place
  ...[0x31, 0xc0], //                xor  ax, ax
  ...[0x8e, 0xd8], //                mov  ds, ax             DS = 0: absolute addresses
  ...[0x8e, 0xd0], //                mov  ss, ax
  ...[0xbc, 0x00, 0x7c], //          mov  sp, 0x7C00         the stack grows down below the sector
  // 0A vector 0x0C (IRQ 4) → 0000:7C6B (isr)
  ...[0xc7, 0x06, 0x30, 0x00, 0x6b, 0x7c], // mov word [0x0030], 0x7C6B   offset
  ...[0xa3, 0x32, 0x00], //          mov  [0x0032], ax       segment 0
  // 13 the UART: 115200 baud, 8N1, FIFO, receive interrupt on
  ...[0xba, 0xfb, 0x03], //          mov  dx, 0x3FB          LCR
  ...[0xb0, 0x80], //                mov  al, 0x80           DLAB: the next two ports are the divisor
  ...[0xee], //                      out  dx, al
  ...[0xb2, 0xf8], //                mov  dl, 0xF8           DLL (0x3F8)
  ...[0xb0, 0x01], //                mov  al, 1              divisor 1 = 115200 baud
  ...[0xee], //                      out  dx, al
  ...[0x42], //                      inc  dx                 DLM (0x3F9)
  ...[0x30, 0xc0], //                xor  al, al
  ...[0xee], //                      out  dx, al
  ...[0xb2, 0xfb], //                mov  dl, 0xFB           LCR
  ...[0xb0, 0x03], //                mov  al, 0x03           8 data bits, no parity, 1 stop bit; DLAB off
  ...[0xee], //                      out  dx, al
  ...[0x4a], //                      dec  dx                 FCR (0x3FA)
  ...[0xb0, 0x07], //                mov  al, 0x07           FIFOs on and cleared, interrupt at 1 byte
  ...[0xee], //                      out  dx, al
  ...[0xb2, 0xfc], //                mov  dl, 0xFC           MCR
  ...[0xb0, 0x0b], //                mov  al, 0x0B           DTR, RTS, OUT2 (OUT2 connects the IRQ line)
  ...[0xee], //                      out  dx, al
  ...[0xb2, 0xf9], //                mov  dl, 0xF9           IER
  ...[0xb0, 0x01], //                mov  al, 0x01           interrupt when a byte arrives
  ...[0xee], //                      out  dx, al
  ...[0xe4, 0x21], //                in   al, 0x21           master PIC mask
  ...[0x24, 0xef], //                and  al, 0xEF           unmask IRQ 4
  ...[0xe6, 0x21], //                out  0x21, al
  // 3B the banner
  ...[0xbe, 0x72, 0x7c], //          mov  si, 0x7C72         banner
  ...[0xac], //                 3E   lodsb                   al = [si++]
  ...[0x84, 0xc0], //                test al, al
  ...[0x74, 0x05], //                jz   48 (idle)          the NUL ends it
  ...[0xe8, 0x15, 0x00], //          call 5B (putc)
  ...[0xeb, 0xf6], //                jmp  3E
  // 48 idle: sleep until an interrupt, then send back whatever has arrived
  ...[0xfb], //                 48   sti                     (takes effect after hlt starts: no wake-up is lost)
  ...[0xf4], //                      hlt
  ...[0xfa], //                      cli
  ...[0xba, 0xfd, 0x03], //     4B   mov  dx, 0x3FD          LSR
  ...[0xec], //                      in   al, dx
  ...[0xa8, 0x01], //                test al, 0x01           data ready?
  ...[0x74, 0xf5], //                jz   48 (idle)
  ...[0xb2, 0xf8], //                mov  dl, 0xF8           RBR (0x3F8)
  ...[0xec], //                      in   al, dx             the byte
  ...[0xe8, 0x02, 0x00], //          call 5B (putc)
  ...[0xeb, 0xf0], //                jmp  4B                 drain the FIFO before sleeping again
  // 5B putc: send al once the transmitter is empty
  ...[0x88, 0xc4], //           5B   mov  ah, al
  ...[0xba, 0xfd, 0x03], //          mov  dx, 0x3FD          LSR
  ...[0xec], //                 60   in   al, dx
  ...[0xa8, 0x20], //                test al, 0x20           transmit holding register empty?
  ...[0x74, 0xfb], //                jz   60
  ...[0xb2, 0xf8], //                mov  dl, 0xF8           THR (0x3F8)
  ...[0x88, 0xe0], //                mov  al, ah
  ...[0xee], //                      out  dx, al
  ...[0xc3], //                      ret
  // 6B isr: the wake-up is all it is for; tell the PIC it is done
  ...[0x50], //                 6B   push ax
  ...[0xb0, 0x20], //                mov  al, 0x20           EOI
  ...[0xe6, 0x20], //                out  0x20, al
  ...[0x58], //                      pop  ax
  ...[0xcf], //                      iret
  // 72 banner
  ...Buffer.from('cgvirt-echo\r\n\0', 'latin1'),
];

/**
 * Locks the tray of the CD-ROM drive that is the primary IDE master (the first CD-ROM of a guest without IDE disks),
 * as an operating system does while it uses a disc: the ATAPI command PREVENT ALLOW MEDIUM REMOVAL (0x1E) with
 * "prevent", sent twice (the first may only clear a "medium changed" unit attention). Then idles.
 */
const LOCK_CDROM = [
  ...[0xfa], //                      cli
  ...[0xfc], //                      cld                     outsw walks up
  ...[0x31, 0xc0], //                xor  ax, ax
  ...[0x8e, 0xd8], //                mov  ds, ax
  ...[0xb3, 0x02], //                mov  bl, 2              two rounds
  // 08 again: select the master, wait until it is not busy
  ...[0xba, 0xf6, 0x01], //     08   mov  dx, 0x1F6          drive/head
  ...[0xb0, 0xa0], //                mov  al, 0xA0           master
  ...[0xee], //                      out  dx, al
  ...[0x42], //                      inc  dx                 status/command (0x1F7)
  ...[0xec], //                 0F   in   al, dx
  ...[0xa8, 0x80], //                test al, 0x80           BSY?
  ...[0x75, 0xfb], //                jnz  0F
  // 14 PACKET with no data phase
  ...[0xb2, 0xf1], //                mov  dl, 0xF1           features
  ...[0x30, 0xc0], //                xor  al, al             PIO, no DMA
  ...[0xee], //                      out  dx, al
  ...[0xb2, 0xf4], //                mov  dl, 0xF4           byte count low
  ...[0xee], //                      out  dx, al             0
  ...[0x42], //                      inc  dx                 byte count high
  ...[0xee], //                      out  dx, al             0
  ...[0xb2, 0xf7], //                mov  dl, 0xF7           command
  ...[0xb0, 0xa0], //                mov  al, 0xA0           PACKET
  ...[0xee], //                      out  dx, al
  ...[0xec], //                 23   in   al, dx
  ...[0x24, 0x88], //                and  al, 0x88           BSY | DRQ
  ...[0x3c, 0x08], //                cmp  al, 0x08           ready for the packet: DRQ without BSY
  ...[0x75, 0xf9], //                jne  23
  ...[0xb2, 0xf0], //                mov  dl, 0xF0           data
  ...[0xbe, 0x42, 0x7c], //          mov  si, 0x7C42         packet
  ...[0xb9, 0x06, 0x00], //          mov  cx, 6              12 bytes = 6 words
  ...[0xf3, 0x6f], //                rep  outsw
  ...[0xb2, 0xf7], //                mov  dl, 0xF7           status
  ...[0xec], //                 36   in   al, dx
  ...[0xa8, 0x80], //                test al, 0x80           BSY?
  ...[0x75, 0xfb], //                jnz  36
  ...[0xfe, 0xcb], //                dec  bl
  ...[0x75, 0xc9], //                jnz  08 (again)
  ...[0xf4], //                 3F   hlt
  ...[0xeb, 0xfd], //                jmp  3F
  // 42 packet: PREVENT ALLOW MEDIUM REMOVAL, byte 4 bit 0 = prevent
  ...[0x1e, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
];

/**
 * Answers every key press on its screen: clears the VGA text screen (80×25 cells of character + attribute bytes at
 * B800:0000), turns the cursor off (a blinking cursor redraws its cell on its own), shows 'A' grey on black in the
 * top-left cell, then sleeps in `hlt`. Each key press (a make code from the keyboard controller, IRQ 1 = interrupt 9)
 * swaps that cell's colours (grey on black ↔ black on grey), so every pixel of the cell changes; key releases (break
 * codes, bit 7 set) and bytes from the mouse change nothing. Only the colours change, never the character: a new
 * character on swapped colours can look the same (CP437's ▌ on black is ▐ on grey). The cell is written with one word
 * write: QEMU's display never catches half a change. Its screen changes on a key and at no other time.
 */
const KEYS = [
  // 00 start: segments, stack, vector 9 (IRQ 1) → 0000:7C5B (isr)
  ...[0xfa], //                      cli
  ...[0xfc], //                      cld                     stosw walks up
  ...[0x31, 0xc0], //                xor  ax, ax
  ...[0x8e, 0xd8], //                mov  ds, ax             DS = 0: absolute addresses
  ...[0x8e, 0xd0], //                mov  ss, ax
  ...[0xbc, 0x00, 0x7c], //          mov  sp, 0x7C00
  ...[0xc7, 0x06, 0x24, 0x00, 0x5b, 0x7c], // mov word [0x0024], 0x7C5B   offset
  ...[0xa3, 0x26, 0x00], //          mov  [0x0026], ax       segment 0
  // 14 the screen: all blank, no cursor, 'A' in the top-left cell
  ...[0xb8, 0x00, 0xb8], //          mov  ax, 0xB800
  ...[0x8e, 0xc0], //                mov  es, ax             ES = the text screen
  ...[0x31, 0xff], //                xor  di, di
  ...[0xb8, 0x20, 0x07], //          mov  ax, 0x0720         space, grey on black
  ...[0xb9, 0xd0, 0x07], //          mov  cx, 2000           80 × 25 cells
  ...[0xf3, 0xab], //                rep  stosw
  ...[0xba, 0xd4, 0x03], //          mov  dx, 0x3D4          CRTC index
  ...[0xb0, 0x0a], //                mov  al, 0x0A           cursor start register
  ...[0xee], //                      out  dx, al
  ...[0x42], //                      inc  dx                 CRTC data (0x3D5)
  ...[0xb0, 0x20], //                mov  al, 0x20           bit 5: cursor off
  ...[0xee], //                      out  dx, al
  ...[0xbb, 0x41, 0x07], //          mov  bx, 0x0741         the cell: 'A' (BL), grey on black (BH)
  ...[0x26, 0x89, 0x1e, 0x00, 0x00], // mov [es:0x0000], bx
  ...[0xe4, 0x21], //                in   al, 0x21           master PIC mask
  ...[0x24, 0xfd], //                and  al, 0xFD           unmask IRQ 1
  ...[0xe6, 0x21], //                out  0x21, al
  // 3B idle: sleep until an interrupt, then take whatever the keyboard controller holds
  ...[0xfb], //                 3B   sti                     (takes effect after hlt starts: no wake-up is lost)
  ...[0xf4], //                      hlt
  ...[0xfa], //                      cli
  ...[0xe4, 0x64], //           3E   in   al, 0x64           controller status
  ...[0xa8, 0x01], //                test al, 0x01           output buffer full?
  ...[0x74, 0xf7], //                jz   3B (idle)
  ...[0x88, 0xc4], //                mov  ah, al
  ...[0xe4, 0x60], //                in   al, 0x60           the byte; reading it empties the buffer (IRQ 1 drops)
  ...[0xf6, 0xc4, 0x20], //          test ah, 0x20           from the mouse?
  ...[0x75, 0xf1], //                jnz  3E                 ignored
  ...[0xa8, 0x80], //                test al, 0x80           a release (break code), a prefix (E0) or an ack (FA)?
  ...[0x75, 0xed], //                jnz  3E                 ignored
  ...[0x80, 0xf7, 0x77], //          xor  bh, 0x77           grey on black ↔ black on grey
  ...[0x26, 0x89, 0x1e, 0x00, 0x00], // mov [es:0x0000], bx   character and colours in one write
  ...[0xeb, 0xe3], //                jmp  3E                 drain the controller before sleeping again
  // 5B isr: the wake-up is all it is for; tell the PIC it is done
  ...[0x50], //                 5B   push ax
  ...[0xb0, 0x20], //                mov  al, 0x20           EOI
  ...[0xe6, 0x20], //                out  0x20, al
  ...[0x58], //                      pop  ax
  ...[0xcf], //                      iret
];

const PROGRAMS = {
  /** `jmp $` — burns a CPU forever: what priority and fidelity tests measure. */
  spin: [0xeb, 0xfe],
  /** `cli; hlt` — idles forever. */
  halt: [0xfa, 0xf4],
  /** Prints "cgvirt-echo\r\n" on COM1, then echoes every byte it receives there. */
  echo: ECHO,
  /** Locks the first CD-ROM's tray (primary IDE master), then idles. */
  lockcd: LOCK_CDROM,
  /** Shows 'A' in the top-left cell of its VGA text screen and swaps the cell's colours on every key press. */
  keys: KEYS,
} as const;

/** What the echo guest prints first. */
export const ECHO_BANNER = 'cgvirt-echo\r\n';
export type GuestKind = keyof typeof PROGRAMS;

export function bootSector(kind: GuestKind): Buffer {
  const sector = Buffer.alloc(512);
  Buffer.from(PROGRAMS[kind]).copy(sector, 0);
  sector[510] = 0x55; // the BIOS boots a sector only with this signature
  sector[511] = 0xaa;
  return sector;
}

/**
 * SeaBIOS does not boot a virtio-blk disk smaller than one cylinder of its geometry (16 heads × 63 sectors = 504 KiB):
 * it reports "could not read the boot disk". The image is the boot sector, then zeros (sparse) up to 1 MiB.
 */
export const BOOT_IMAGE_BYTES = 1024 * 1024;

/** Writes a boot image into `dir` (under `file`, default `<kind>.img`) and returns its path. */
export function writeBootImage(dir: string, kind: GuestKind, file = `${kind}.img`): string {
  const path = join(dir, file);
  writeFileSync(path, bootSector(kind));
  truncateSync(path, BOOT_IMAGE_BYTES);
  return path;
}
