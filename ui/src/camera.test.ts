import { describe, expect, it } from 'vitest';
import { cameraProblem, coverCrop } from './camera';

describe('camera', () => {
  it('crops the middle of a picture to the frame ratio, never stretching it', () => {
    // Same ratio: the whole picture.
    expect(coverCrop({ width: 640, height: 480 }, { width: 320, height: 240 })).toEqual({ sx: 0, sy: 0, sw: 640, sh: 480 });
    // A phone held upright (portrait) into a 4:3 frame: a band across the middle.
    expect(coverCrop({ width: 480, height: 640 }, { width: 320, height: 240 })).toEqual({ sx: 0, sy: 140, sw: 480, sh: 360 });
    // Wider than the frame: the sides are cut.
    expect(coverCrop({ width: 1280, height: 720 }, { width: 320, height: 240 })).toEqual({ sx: 160, sy: 0, sw: 960, sh: 720 });
    // Smaller than the frame: scaled up, same ratio.
    expect(coverCrop({ width: 160, height: 120 }, { width: 320, height: 240 })).toEqual({ sx: 0, sy: 0, sw: 160, sh: 120 });
  });

  it('names why the camera could not be used', () => {
    expect(cameraProblem(new DOMException('x', 'NotAllowedError'))).toBe('denied');
    expect(cameraProblem(new DOMException('x', 'NotFoundError'))).toBe('absent');
    expect(cameraProblem(new DOMException('x', 'OverconstrainedError'))).toBe('absent');
    expect(cameraProblem(new DOMException('x', 'NotReadableError'))).toBe('busy');
    expect(cameraProblem(new Error('boom'))).toBe('failed');
    expect(cameraProblem('nope')).toBe('failed');
  });
});
