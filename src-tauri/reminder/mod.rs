//! The morning reminder ("Write down last night's dream"): when it is due, what waking up late
//! means, and the loop that waits for it, with the clock and the notification passed in, so every
//! rule is tested with a fake clock and no window. `notify.rs` shows it on each system.

pub mod commands;
pub mod notify;

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use crate::error::{Error, Result};
use crate::settings::SettingsStore;

/// A reminder missed while the computer slept is still shown on wake within this long of its
/// time; later than that it is skipped for the day (a dream reminder at noon is noise).
pub const GRACE: TimeDelta = TimeDelta::hours(2);
/// The longest the loop sleeps between looks at the wall clock. Timers stop while the computer
/// sleeps (the monotonic clock does), so the wall clock is looked at again at least this often.
pub const MAX_NAP: Duration = Duration::from_secs(30);

/// `HH:MM`, 24-hour, as the settings keep it.
pub fn parse_time(s: &str) -> Result<NaiveTime> {
    let t = s.trim();
    if t.len() != 5 {
        return Err(Error::InvalidInput("the reminder time is HH:MM".into()));
    }
    NaiveTime::parse_from_str(t, "%H:%M")
        .map_err(|_| Error::InvalidInput("the reminder time is HH:MM".into()))
}

/// What the loop does at a look at the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// Nothing due: look again after this long.
    Wait(Duration),
    /// Due now (or missed within `GRACE`): show it.
    Show,
    /// Missed by more than `GRACE`: today's is dropped.
    Skip,
}

/// One daily reminder at `at`, and the last day it was dealt with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    at: NaiveTime,
    handled: Option<NaiveDate>,
}

impl Reminder {
    /// Starting (the app opened, or the time was changed) at `now`: today's reminder, if its time
    /// has already passed, counts as dealt with; the user is at the app or has just chosen it.
    pub fn starting(now: NaiveDateTime, at: NaiveTime) -> Reminder {
        let handled = (now >= now.date().and_time(at)).then_some(now.date());
        Reminder { at, handled }
    }

    pub fn at(&self) -> NaiveTime {
        self.at
    }

    /// The same reminder moved to `at`: one already shown (or skipped) today stays dealt with, so
    /// moving the time later does not bring a second one the same day.
    pub fn moved(&self, now: NaiveDateTime, at: NaiveTime) -> Reminder {
        let mut r = Reminder::starting(now, at);
        if self.handled == Some(now.date()) {
            r.handled = self.handled;
        }
        r
    }

    pub fn tick(&mut self, now: NaiveDateTime) -> Tick {
        let today = now.date();
        let due = today.and_time(self.at);
        if now < due {
            return Tick::Wait(nap(due - now));
        }
        if self.handled == Some(today) {
            let tomorrow = today.succ_opt().unwrap_or(today).and_time(self.at);
            return Tick::Wait(nap(tomorrow - now));
        }
        self.handled = Some(today);
        if now - due <= GRACE {
            Tick::Show
        } else {
            Tick::Skip
        }
    }
}

fn nap(until: TimeDelta) -> Duration {
    until.to_std().unwrap_or(Duration::ZERO).min(MAX_NAP)
}

/// The reminder's loop: reads the settings at every look, so turning it on or off or moving its
/// time applies at once (`changed` wakes it).
#[derive(Default)]
pub struct Scheduler {
    changed: tokio::sync::Notify,
}

impl Scheduler {
    /// The settings changed: look again now.
    pub fn settings_changed(&self) {
        self.changed.notify_one();
    }

    /// Runs until the app ends. `now` is the local wall clock; `show` puts the notification up.
    pub async fn run(
        self: Arc<Self>,
        settings: Arc<SettingsStore>,
        now: impl Fn() -> NaiveDateTime,
        show: impl Fn(),
    ) {
        let mut current: Option<Reminder> = None;
        loop {
            let s = settings.get();
            let wanted = match parse_time(&s.reminder_time) {
                Ok(at) if s.reminder_enabled => Some(at),
                _ => None,
            };
            let wait = match wanted {
                None => {
                    current = None;
                    MAX_NAP
                }
                Some(at) => {
                    let r = match current.take() {
                        Some(r) if r.at() == at => current.insert(r),
                        Some(old) => current.insert(old.moved(now(), at)),
                        None => current.insert(Reminder::starting(now(), at)),
                    };
                    match r.tick(now()) {
                        Tick::Wait(d) => d,
                        Tick::Show => {
                            show();
                            Duration::ZERO
                        }
                        Tick::Skip => {
                            log::info!("the morning reminder was missed by more than two hours");
                            Duration::ZERO
                        }
                    }
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.changed.notified() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn seven_thirty() -> NaiveTime {
        parse_time("07:30").unwrap()
    }

    #[test]
    fn it_shows_once_at_its_time_then_waits_for_tomorrow() {
        let mut r = Reminder::starting(at("2026-11-30 06:00:00"), seven_thirty());
        assert_eq!(
            r.tick(at("2026-11-30 06:00:00")),
            Tick::Wait(MAX_NAP),
            "an hour and a half early: look again within the nap"
        );
        assert_eq!(
            r.tick(at("2026-11-30 07:29:50")),
            Tick::Wait(Duration::from_secs(10)),
            "wakes exactly at its time"
        );
        assert_eq!(r.tick(at("2026-11-30 07:30:00")), Tick::Show);
        assert_eq!(
            r.tick(at("2026-11-30 07:30:05")),
            Tick::Wait(MAX_NAP),
            "once a day"
        );
        assert_eq!(r.tick(at("2026-11-30 23:59:59")), Tick::Wait(MAX_NAP));
        assert_eq!(
            r.tick(at("2026-12-01 07:30:01")),
            Tick::Show,
            "and again tomorrow"
        );
    }

    #[test]
    fn missed_while_asleep_it_shows_on_wake_within_two_hours_else_skips() {
        let mut r = Reminder::starting(at("2026-11-30 01:00:00"), seven_thirty());
        // The computer slept from 01:00 to 09:15: the first look after waking.
        assert_eq!(
            r.tick(at("2026-11-30 09:15:00")),
            Tick::Show,
            "1 h 45 late: shown"
        );
        let mut r = Reminder::starting(at("2026-11-30 01:00:00"), seven_thirty());
        assert_eq!(
            r.tick(at("2026-11-30 09:30:00")),
            Tick::Show,
            "exactly two hours: shown"
        );
        let mut r = Reminder::starting(at("2026-11-30 01:00:00"), seven_thirty());
        assert_eq!(
            r.tick(at("2026-11-30 09:30:01")),
            Tick::Skip,
            "later: skipped"
        );
        assert_eq!(
            r.tick(at("2026-11-30 09:31:00")),
            Tick::Wait(MAX_NAP),
            "skipped means dealt with for the day"
        );
        assert_eq!(
            r.tick(at("2026-12-01 07:30:00")),
            Tick::Show,
            "tomorrow's still comes"
        );
    }

    #[test]
    fn opening_the_app_after_its_time_does_not_remind_today() {
        let mut r = Reminder::starting(at("2026-11-30 08:00:00"), seven_thirty());
        assert_eq!(r.tick(at("2026-11-30 08:00:00")), Tick::Wait(MAX_NAP));
        assert_eq!(r.tick(at("2026-12-01 07:30:00")), Tick::Show);
    }

    #[test]
    fn moving_the_time_after_todays_reminder_brings_no_second_one() {
        let mut r = Reminder::starting(at("2026-11-30 06:00:00"), seven_thirty());
        assert_eq!(r.tick(at("2026-11-30 07:30:00")), Tick::Show);
        let mut later = r.moved(at("2026-11-30 07:40:00"), parse_time("08:00").unwrap());
        assert_eq!(
            later.tick(at("2026-11-30 08:00:00")),
            Tick::Wait(MAX_NAP),
            "today's was shown already"
        );
        assert_eq!(
            later.tick(at("2026-12-01 08:00:00")),
            Tick::Show,
            "tomorrow at the new time"
        );
        let fresh = Reminder::starting(at("2026-11-30 06:00:00"), seven_thirty());
        let mut earlier = fresh.moved(at("2026-11-30 06:10:00"), parse_time("06:30").unwrap());
        assert_eq!(
            earlier.tick(at("2026-11-30 06:30:00")),
            Tick::Show,
            "moved before it went, it still comes today"
        );
    }

    #[test]
    fn times_are_hh_mm() {
        assert_eq!(
            parse_time(" 07:05 ").unwrap(),
            NaiveTime::from_hms_opt(7, 5, 0).unwrap()
        );
        for bad in ["7:05", "24:00", "07:60", "0705", "", "07:05:00", "아침"] {
            assert!(parse_time(bad).is_err(), "{bad:?} is refused");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_follows_the_settings_and_a_fake_clock() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Mutex;
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            SettingsStore::load(&dir.path().join("settings.json"))
                .unwrap()
                .store,
        );
        let clock = Arc::new(Mutex::new(at("2026-11-30 07:29:00")));
        let shown = Arc::new(AtomicUsize::new(0));
        let scheduler = Arc::new(Scheduler::default());
        let task = {
            let (clock, shown) = (clock.clone(), shown.clone());
            tokio::spawn(scheduler.clone().run(
                store.clone(),
                move || *clock.lock().unwrap(),
                move || {
                    shown.fetch_add(1, Ordering::SeqCst);
                },
            ))
        };
        let pass = |secs: u64| {
            let (clock, step) = (clock.clone(), Duration::from_secs(secs));
            async move {
                *clock.lock().unwrap() += TimeDelta::from_std(step).unwrap();
                tokio::time::sleep(step).await;
                tokio::task::yield_now().await;
            }
        };
        pass(120).await;
        assert_eq!(shown.load(Ordering::SeqCst), 0, "off by default");

        let mut s = store.get();
        s.reminder_enabled = true;
        s.reminder_time = "07:35".into();
        store.set(s).unwrap();
        scheduler.settings_changed();
        tokio::task::yield_now().await;
        pass(60).await; // 07:32
        assert_eq!(shown.load(Ordering::SeqCst), 0, "not before its time");
        for _ in 0..8 {
            pass(30).await; // to 07:36
        }
        assert_eq!(shown.load(Ordering::SeqCst), 1, "shown at 07:35, once");
        for _ in 0..20 {
            pass(30).await;
        }
        assert_eq!(shown.load(Ordering::SeqCst), 1, "not again the same day");
        task.abort();
    }
}
