/// DVS128 Gesture (AEDAT 3.1 recordings with per-trial label CSVs).
public enum DVSGesture {
  /// Class names in label order (`gesture_mapping.csv`, class k + 1 ↦ label k).
  public static let classNames = [
    "hand_clapping", "right_hand_wave", "left_hand_wave", "right_arm_clockwise",
    "right_arm_counter_clockwise", "left_arm_clockwise", "left_arm_counter_clockwise", "arm_roll",
    "air_drums", "air_guitar", "other_gestures",
  ]
}
