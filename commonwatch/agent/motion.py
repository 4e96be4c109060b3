"""Motion detection by background subtraction (OpenCV MOG2) on a small grey copy.

Deterministic on purpose: the same frames in the same order give the same answers, so
an agent restarted on a recording finds the same motion and cuts the same clips
(the spool recognizes them and does not send them twice).
"""

from __future__ import annotations

import cv2
import numpy as np

from .zones import Polygon, zone_mask

# Detection runs on a copy this wide: plenty to see a person, cheap on a small box.
DETECTION_WIDTH = 320
# MOG2 needs a few frames to learn the background; it sees everything as moving before.
WARMUP_FRAMES = 5


class MotionDetector:
    """Says, frame by frame, whether enough of the motion zones changed.

    `min_area` is the share of the zones' area (0..1) that must be foreground.
    """

    def __init__(self, zones: list[Polygon], *, min_area: float = 0.005):
        self.zones = zones
        self.min_area = min_area
        self._subtractor = None
        self._kernel = np.ones((3, 3), np.uint8)
        self._mask = None
        self._zone_pixels = 0
        self._size = None
        self._seen = 0

    def moving(self, luma: np.ndarray) -> bool:
        """Whether this frame (its luma plane, H x W uint8) shows motion in the zones."""
        small = self._shrunk(luma)
        foreground = self._subtractor.apply(small)
        self._seen += 1
        if self._seen <= WARMUP_FRAMES or not self._zone_pixels:
            return False
        foreground = cv2.morphologyEx(foreground, cv2.MORPH_OPEN, self._kernel)
        changed = cv2.countNonZero(cv2.bitwise_and(foreground, self._mask))
        return changed >= self.min_area * self._zone_pixels

    def _shrunk(self, luma: np.ndarray) -> np.ndarray:
        height, width = luma.shape
        if width > DETECTION_WIDTH:
            height = max(1, round(height * DETECTION_WIDTH / width))
            width = DETECTION_WIDTH
            luma = cv2.resize(luma, (width, height), interpolation=cv2.INTER_AREA)
        if self._size != (width, height):
            # A new picture size (a stream renegotiated) starts a new background model.
            self._size = (width, height)
            self._subtractor = cv2.createBackgroundSubtractorMOG2(
                history=500, varThreshold=16, detectShadows=False
            )
            self._seen = 0
            self._mask = zone_mask(self.zones, width, height)
            self._zone_pixels = cv2.countNonZero(self._mask)
        return luma
