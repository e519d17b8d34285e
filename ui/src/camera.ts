// The front camera for the liveness selfie: opening it, naming why it failed, and turning the
// picture into the RGBA frames Rust analyses. Nothing here judges a frame; Rust does.

/** Why the camera could not be used. */
export type CameraProblem = 'denied' | 'absent' | 'busy' | 'failed';

/** What getUserMedia's rejection means for the resident. */
export function cameraProblem(err: unknown): CameraProblem {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'DevicesNotFoundError':
      return 'absent';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}

/** Opens the front camera (no sound); a `CameraProblem` when it cannot. */
export async function openFrontCamera(): Promise<MediaStream> {
  const media = navigator.mediaDevices;
  if (!media || typeof media.getUserMedia !== 'function') throw new DOMException('No camera API', 'NotFoundError');
  return media.getUserMedia({
    video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
    audio: false,
  });
}

/** Stops every track of `stream` (the camera light goes off). */
export function stopStream(stream: MediaStream | null): void {
  if (stream) for (const track of stream.getTracks()) track.stop();
}

/**
 * The source rectangle of a `from` picture that covers a `to` frame without distortion: the
 * largest centred crop with the frame's aspect ratio (what `object-fit: cover` shows).
 */
export function coverCrop(
  from: { width: number; height: number },
  to: { width: number; height: number },
): { sx: number; sy: number; sw: number; sh: number } {
  const scale = Math.max(to.width / from.width, to.height / from.height);
  const sw = Math.min(from.width, to.width / scale);
  const sh = Math.min(from.height, to.height / scale);
  return { sx: (from.width - sw) / 2, sy: (from.height - sh) / 2, sw, sh };
}

/** Draws video frames, cover-cropped and not mirrored, into an offscreen frame-sized canvas. */
export class FrameGrabber {
  private readonly canvas: HTMLCanvasElement;
  private readonly g: CanvasRenderingContext2D;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = width;
    this.canvas.height = height;
    const g = this.canvas.getContext('2d', { willReadFrequently: true, alpha: false });
    if (!g) throw new Error('no 2D canvas');
    this.g = g;
  }

  /** The RGBA pixels of the video's current picture (`width` × `height` × 4), or `null` before it has one. */
  grab(video: HTMLVideoElement): Uint8Array | null {
    if (video.videoWidth === 0 || video.videoHeight === 0) return null;
    const { sx, sy, sw, sh } = coverCrop({ width: video.videoWidth, height: video.videoHeight }, this);
    this.g.drawImage(video, sx, sy, sw, sh, 0, 0, this.width, this.height);
    const data = this.g.getImageData(0, 0, this.width, this.height).data;
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
}

type FrameCallbackVideo = HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number };

/**
 * Resolves when `video` shows a new picture (requestVideoFrameCallback where there is one), and
 * at the latest after `maxMs`, so a stalled camera never blocks the caller's checks.
 */
export function nextVideoFrame(video: HTMLVideoElement, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const v = video as FrameCallbackVideo;
    if (typeof v.requestVideoFrameCallback === 'function') v.requestVideoFrameCallback(done);
    else if (video.readyState >= 2) done();
    else video.addEventListener('loadeddata', done, { once: true });
  });
}
