// The fixed sets a dream is described with (the same as `diary::details`): pure, importable anywhere.
export const MOODS = ['joy', 'calm', 'excitement', 'anxiety', 'fear', 'sadness', 'anger', 'confusion'];
export const FLAGS = ['lucid', 'nightmare', 'recurring', 'vivid'];
