//! The tray, the quick window and the global shortcut as plain decisions: what each menu item does
//! and says in each language, when the quick window shows or hides, what closing the diary does, and
//! whether global shortcuts can work on this desktop. The other files carry them out, one job each:
//! `menu` (the icon), `quick` (the quick window), `main_window` (the diary window's events),
//! `shortcut` (the global shortcut and its state), `lifecycle` (when each comes and changes).

pub mod commands;
pub mod lifecycle;
pub mod main_window;
pub mod menu;
pub mod quick;
pub mod shortcut;

use serde::Serialize;

use crate::settings::Language;

/// A tray menu item. On Linux the menu is the only way in (appindicator sends no clicks), so every
/// action is in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    QuickInterpret,
    OpenDiary,
    NewDream,
    /// Settings → About: the version and where the diary is stored.
    About,
    /// Locks the diary (with a passphrase set; otherwise Settings → Privacy, to set one).
    Lock,
    Quit,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::QuickInterpret,
        Action::OpenDiary,
        Action::NewDream,
        Action::About,
        Action::Lock,
        Action::Quit,
    ];

    /// The menu item id.
    pub fn id(self) -> &'static str {
        match self {
            Action::QuickInterpret => "quick",
            Action::OpenDiary => "open",
            Action::NewDream => "new",
            Action::About => "about",
            Action::Lock => "lock",
            Action::Quit => "quit",
        }
    }

    pub fn from_id(id: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.id() == id)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Action::QuickInterpret, Lang::En) => "Quick interpret…",
            (Action::QuickInterpret, Lang::Ko) => "빠른 해몽…",
            (Action::OpenDiary, Lang::En) => "Open diary",
            (Action::OpenDiary, Lang::Ko) => "꿈 일기 열기",
            (Action::NewDream, Lang::En) => "New dream",
            (Action::NewDream, Lang::Ko) => "새 꿈 쓰기",
            (Action::About, Lang::En) => "About Haemong",
            (Action::About, Lang::Ko) => "해몽 정보",
            (Action::Lock, Lang::En) => "Lock the diary",
            (Action::Lock, Lang::Ko) => "일기 잠그기",
            (Action::Quit, Lang::En) => "Quit Haemong",
            (Action::Quit, Lang::Ko) => "해몽 끝내기",
        }
    }
}

/// The quick window's title (window lists, screen readers, `xdotool search`).
pub fn quick_title(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "해몽 · 빠른 해몽",
        Lang::En => "Haemong · Quick interpret",
    }
}

/// The languages the Rust side labels things in (the webview has its own dictionaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ko,
    En,
}

/// The setting, else the system locale (`ko-KR`, `ko_KR.UTF-8`, …), else English (the first system
/// locale only; the page's first paint follows the webview's whole list, `app::first_paint::language`).
pub fn menu_language(setting: Language, system_locale: Option<&str>) -> Lang {
    match setting {
        Language::Ko => Lang::Ko,
        Language::En => Lang::En,
        Language::System => match system_locale {
            Some(l) if l.to_ascii_lowercase().starts_with("ko") => Lang::Ko,
            _ => Lang::En,
        },
    }
}

/// What the shortcut (or the tray item) does to the quick window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toggle {
    Show,
    Hide,
}

/// A visible quick window that has the focus is put away; otherwise it comes to the front (a window
/// hidden behind others is brought up, not hidden).
pub fn toggle(visible: bool, focused: bool) -> Toggle {
    if visible && focused {
        Toggle::Hide
    } else {
        Toggle::Show
    }
}

/// What closing the diary window does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClosePlan {
    /// `hide` to the tray, or `quit`.
    pub action: &'static str,
    /// Explain, once, that the app keeps running in the tray.
    pub notice: bool,
}

/// Hide to the tray only where there is a tray to come back from: GNOME without an appindicator
/// extension has none, and a hidden window there could only be found by launching again.
pub fn close_plan(tray_visible: bool, notice_seen: bool) -> ClosePlan {
    if tray_visible {
        ClosePlan {
            action: "hide",
            notice: !notice_seen,
        }
    } else {
        ClosePlan {
            action: "quit",
            notice: false,
        }
    }
}

/// Wayland has no global shortcuts for ordinary apps (X11 key grabs through XWayland only fire
/// while an X window has the focus), so the app says so instead of pretending.
pub fn shortcuts_supported(env: impl Fn(&str) -> Option<String>) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let wayland_session =
        env("XDG_SESSION_TYPE").is_some_and(|t| t.eq_ignore_ascii_case("wayland"));
    let wayland_display = env("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty());
    !(wayland_session || wayland_display)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_an_id_and_both_labels() {
        for a in Action::ALL {
            assert_eq!(Action::from_id(a.id()), Some(a), "{a:?} round-trips");
            assert!(!a.label(Lang::Ko).is_empty() && !a.label(Lang::En).is_empty());
            assert_ne!(a.label(Lang::Ko), a.label(Lang::En), "{a:?} is translated");
        }
        assert_eq!(Action::from_id("nope"), None);
    }

    #[test]
    fn the_menu_language_follows_the_setting_then_the_system() {
        assert_eq!(menu_language(Language::Ko, Some("en-US")), Lang::Ko);
        assert_eq!(menu_language(Language::En, Some("ko-KR")), Lang::En);
        assert_eq!(menu_language(Language::System, Some("ko-KR")), Lang::Ko);
        assert_eq!(
            menu_language(Language::System, Some("ko_KR.UTF-8")),
            Lang::Ko
        );
        assert_eq!(menu_language(Language::System, Some("de-DE")), Lang::En);
        assert_eq!(menu_language(Language::System, None), Lang::En);
    }

    #[test]
    fn the_shortcut_brings_the_window_up_unless_it_is_in_front() {
        assert_eq!(toggle(false, false), Toggle::Show);
        assert_eq!(
            toggle(true, false),
            Toggle::Show,
            "behind other windows: bring it up"
        );
        assert_eq!(toggle(true, true), Toggle::Hide);
    }

    #[test]
    fn closing_hides_to_a_tray_that_exists_and_explains_once() {
        assert_eq!(
            close_plan(true, false),
            ClosePlan {
                action: "hide",
                notice: true
            }
        );
        assert_eq!(
            close_plan(true, true),
            ClosePlan {
                action: "hide",
                notice: false
            }
        );
        assert_eq!(
            close_plan(false, false).action,
            "quit",
            "no tray to come back from"
        );
    }

    #[test]
    fn wayland_has_no_global_shortcuts() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        if cfg!(target_os = "linux") {
            assert!(shortcuts_supported(env(&[("DISPLAY", ":99")])), "X11");
            assert!(!shortcuts_supported(env(&[
                ("XDG_SESSION_TYPE", "wayland"),
                ("DISPLAY", ":0")
            ])));
            assert!(!shortcuts_supported(env(&[(
                "WAYLAND_DISPLAY",
                "wayland-0"
            )])));
        }
    }
}
