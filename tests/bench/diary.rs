//! `make bench`, core part: builds a diary of 100,000 realistic Korean and English entries in a real
//! SQLite file and times listing and searching at the core level. Writes JSON for the report.
//!
//! Usage: bench_diary OUT.json [DB_PATH]. The database is kept at DB_PATH (default under
//! target/) so the window benchmark can start the app on the same 100,000 entries.

use std::path::PathBuf;
use std::time::Instant;

use haemong_lib::db::{entries as repo, Database};
use haemong_lib::diary::insights::{insights, Range};
use haemong_lib::diary::search::Filter;
use haemong_lib::diary::{search, EntryInput, Flag, Flags, Mood};

const ENTRIES: usize = 100_000;
const RUNS: usize = 41;

const KO: &[&str] = &[
    "어젯밤 꿈에서 나는 오래된 학교 복도를 걷고 있었다.",
    "황금빛 돼지가 대문으로 들어와 마당에 앉았다.",
    "돌아가신 할머니께서 밥은 먹었냐고 물으셨다.",
    "엘리베이터가 멈추지 않고 계속 위로 올라갔다.",
    "이가 하나씩 빠지는 꿈을 꾸고 놀라서 깼다.",
    "맑은 물이 흐르는 강가에서 큰 잉어를 잡았다.",
    "누군가에게 쫓기다가 하늘을 날아 도망쳤다.",
    "시험 시간에 늦어서 답안지를 한 줄도 못 썼다.",
    "바닷가 마을에 불이 났는데 아무도 다치지 않았다.",
    "뱀 두 마리가 방 안으로 들어와 나를 바라보았다.",
    "친구와 함께 낯선 도시의 시장을 구경했다.",
    "비가 억수같이 쏟아지는 밤에 우산을 잃어버렸다.",
    "낡은 기차를 타고 끝없는 들판을 지나갔다.",
    "어릴 적 살던 집 부엌에서 엄마가 국을 끓이고 계셨다.",
    "거울 속의 내가 먼저 웃어서 깜짝 놀랐다.",
    "하얀 호랑이가 산길에서 나를 지켜보고 있었다.",
    "바다 한가운데서 배가 천천히 가라앉았다.",
    "모르는 사람의 결혼식에서 축사를 하게 되었다.",
    "지갑을 잃어버려서 하루 종일 찾아다녔다.",
    "눈이 펑펑 내리는 마을에서 썰매를 탔다.",
    "오래된 도서관에서 내 이름이 적힌 책을 찾았다.",
    "높은 건물 옥상에서 아래를 내려다보니 어지러웠다.",
    "군대에 다시 입대하라는 통지서를 받았다.",
    "반짝이는 보석이 가득한 동굴을 발견했다.",
    "전 애인이 아무 말 없이 옆에 앉아 있었다.",
    "아기를 안고 병원 복도를 뛰어다녔다.",
    "집 안에 물이 차올라 가구가 둥둥 떠다녔다.",
    "돈다발을 주웠는데 주인을 찾아 주었다.",
    "무대 위에서 대사를 잊어버려 아무 말도 못 했다.",
    "고양이가 사람 말을 하며 길을 알려 주었다.",
    "버스를 놓쳐서 비 오는 정류장에 혼자 서 있었다.",
    "큰 나무 아래에서 돌아가신 할아버지를 만났다.",
    "불꽃놀이가 하늘을 가득 채웠다.",
    "화장실을 찾아 헤매다가 잠에서 깼다.",
    "산 정상에서 해가 뜨는 것을 보았다.",
    "누군가 문을 두드렸지만 열어 보니 아무도 없었다.",
    "커다란 잉어가 하늘로 날아올랐다.",
    "친구들과 함께 수학여행을 가는 버스에 탔다.",
    "손에 쥔 모래가 금가루로 변했다.",
    "어두운 숲속에서 반딧불이를 따라 걸었다.",
];
const EN: &[&str] = &[
    "I was walking through an endless hallway with doors that would not open.",
    "A white tiger followed me home and slept by the door.",
    "My teeth crumbled one by one and I woke up shaking.",
    "I was flying over the city at night, then suddenly falling.",
    "The elevator kept going up past the top floor.",
    "I found my childhood dog waiting at the train station.",
    "The ocean rose quietly until it reached the window.",
    "I missed the exam and could not find the classroom.",
    "My grandmother handed me a key to a house I had never seen.",
    "A stranger at the wedding knew my name and my secrets.",
    "The stairs kept multiplying as I climbed them.",
    "I was late for a flight and my passport turned into sand.",
    "A snake coiled around my arm but it did not bite.",
    "I could breathe underwater and the fish spoke Korean.",
    "The house was flooding and the furniture floated away.",
    "I won the lottery and gave the money to a crying child.",
    "My phone would not dial no matter how many times I tried.",
    "I was back in the army, lost on a training field.",
    "The moon was so close I could touch it from the roof.",
    "A fox led me through a snowy forest to a lit window.",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
}

fn entry(rng: &mut Rng) -> (String, String, String) {
    let korean = rng.next() % 10 < 7; // most entries Korean, some English, some mixed
    let sentences = 3 + rng.next() % 18; // roughly 80 to 900 characters
    let mut body = String::new();
    for i in 0..sentences {
        let s = if korean == (rng.next() % 8 != 0) {
            KO[rng.next() % KO.len()]
        } else {
            EN[rng.next() % EN.len()]
        };
        body.push_str(s);
        body.push(if i % 4 == 3 { '\n' } else { ' ' });
    }
    let day = rng.next() % 3650;
    let date = chrono::NaiveDate::from_ymd_opt(2016, 1, 1).unwrap() + chrono::Days::new(day as u64);
    let title = if rng.next() % 3 == 0 {
        String::new()
    } else {
        body.chars().take(12 + rng.next() % 8).collect()
    };
    (date.format("%Y-%m-%d").to_string(), title, body)
}

const TAGS: &[&str] = &[
    "가족",
    "학교",
    "돈",
    "동물",
    "물",
    "여행",
    "회사",
    "연애",
    "악몽",
    "자각몽",
    "lucid",
    "flying",
    "family",
    "work",
    "exam",
    "water",
    "태몽",
    "조상",
    "시험",
    "길몽",
];

/// Tags, flags, mood and sleep as a dream journal fills them: not every entry has each.
fn details(rng: &mut Rng) -> EntryInput {
    let tags = (0..rng.next() % 4)
        .map(|_| TAGS[rng.next() % TAGS.len()].to_string())
        .collect();
    let pct = |rng: &mut Rng, p: usize| rng.next() % 100 < p;
    EntryInput {
        tags,
        flags: Flags {
            lucid: pct(rng, 8),
            nightmare: pct(rng, 12),
            recurring: pct(rng, 6),
            vivid: pct(rng, 20),
        },
        mood: pct(rng, 70).then(|| Mood::ALL[rng.next() % Mood::ALL.len()]),
        sleep: pct(rng, 60).then(|| (1 + rng.next() % 5) as u8),
        ..Default::default()
    }
}

fn median_and_p95(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[v.len() / 2], v[(v.len() * 95 / 100).min(v.len() - 1)])
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().expect("usage: bench_diary OUT.json [DB_PATH]"));
    let db = args.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
            .join("bench")
            .join("diary.sqlite3")
    });
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    // `BENCH_ONLY=import|sealed|markdown|backup|queries`: that part alone, on the diary a full run left (for
    // working on one figure; `make bench` always runs everything).
    if let Ok(part) = std::env::var("BENCH_ONLY") {
        let enc_path = db.with_file_name("diary-encrypted.sqlite3");
        let hex = std::fs::read_to_string(enc_path.with_extension("key")).unwrap();
        let key = haemong_lib::db::Key::from_hex(&hex);
        let diary = Database::open_keyed(&enc_path, key).unwrap().db;
        if part == "queries" {
            // The queries on the plain diary and its encrypted copy, side by side, with the
            // encrypted connection's page cache at each size in BENCH_CACHES (KiB).
            let plain = query_cases(&Database::open(&db).unwrap().db);
            let sizes = std::env::var("BENCH_CACHES").unwrap_or_else(|_| "65536".into());
            for kib in sizes.split(',').map(|k| k.trim().parse::<i64>().unwrap()) {
                diary
                    .call_blocking(|c| Ok(c.pragma_update(None, "cache_size", -kib)?))
                    .unwrap();
                let enc = query_cases(&diary);
                eprintln!("-- page cache {kib} KiB");
                for (p, e) in plain.iter().zip(&enc) {
                    let (pm, em) = (
                        p["median_ms"].as_f64().unwrap(),
                        e["median_ms"].as_f64().unwrap(),
                    );
                    eprintln!("{:>7.2} {:>7.2} {:>5.2}x  {}", pm, em, em / pm, p["case"]);
                }
            }
            return;
        }
        let figures = data_figures(&diary, &enc_path, Some(&part));
        eprintln!("{}", serde_json::to_string_pretty(&figures).unwrap());
        return;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }

    let diary = Database::open(&db).unwrap().db;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let t = Instant::now();
    let mut total_chars = 0usize;
    diary
        .call_blocking(|c| {
            // Through the same code as the app's saves: tags, symbols and the search index included.
            let tx = c.transaction()?;
            for _ in 0..ENTRIES {
                let (night, title, body) = entry(&mut rng);
                total_chars += body.chars().count();
                let input = EntryInput {
                    night: Some(night),
                    title,
                    body,
                    ..details(&mut rng)
                };
                repo::create(&tx, &input)?;
            }
            tx.commit()?;
            c.execute_batch("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);")?;
            Ok(())
        })
        .unwrap();
    let build_s = t.elapsed().as_secs_f64();
    let size_mb = std::fs::metadata(&db).unwrap().len() as f64 / 1e6;
    eprintln!("built {ENTRIES} entries in {build_s:.1} s ({size_mb:.0} MB)");

    let results = query_cases(&diary);
    // The same queries on an encrypted copy of the same diary, as the app keeps it (SQLCipher):
    // ratios from this one run.
    let enc_path = db.with_file_name("diary-encrypted.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", enc_path.display()));
    }
    std::fs::copy(&db, &enc_path).unwrap();
    let key = haemong_lib::db::Key::random().unwrap();
    let t = Instant::now();
    haemong_lib::db::cipher::encrypt_file(&enc_path, &key).unwrap();
    let convert_s = t.elapsed().as_secs_f64();
    eprintln!("encrypted a copy in {convert_s:.1} s");
    std::fs::write(enc_path.with_extension("key"), key.to_hex().as_bytes()).unwrap();
    let encrypted = Database::open_keyed(&enc_path, Some(key)).unwrap().db;
    let enc_results = query_cases(&encrypted);
    let ratios: Vec<serde_json::Value> = results
        .iter()
        .zip(&enc_results)
        .map(|(p, e)| {
            let (pm, em) = (p["median_ms"].as_f64().unwrap(), e["median_ms"].as_f64().unwrap());
            serde_json::json!({ "case": p["case"], "plain_ms": pm, "encrypted_ms": em, "ratio": em / pm, "hits_equal": p["hits"] == e["hits"] })
        })
        .collect();
    drop(diary);
    // Export, import and backup on the encrypted diary: what the app ships.
    let data = data_figures(&encrypted, &enc_path, None);

    let json = serde_json::json!({
        "export": data["export"],
        "import": data["import"],
        "markdown": data["markdown"],
        "sealed": data["sealed"],
        "backup": data["backup"],
        "entries": ENTRIES,
        "avg_body_chars": total_chars / ENTRIES,
        "db_mb": size_mb,
        "build_s": build_s,
        "db_path": db.display().to_string(),
        "cases": results,
        "encrypted": { "convert_s": convert_s, "cases": enc_results, "ratios": ratios, "target_ratio": 1.3 },
    });
    std::fs::write(&out, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
}

/// The list, every search, every filter and the insights, each timed on `diary` (median and p95
/// of `RUNS` after three warm-up runs).
fn query_cases(diary: &Database) -> Vec<serde_json::Value> {
    let mut results = Vec::new();
    // (case, query); no query means "list the newest page".
    let cases: [(&str, Option<&str>); 8] = [
        ("list newest 50", None),
        ("search 1-char Korean, absent '낙'", Some("낙")),
        (
            "search 2-char Korean + 2-char English, absent together '돼지 zq'",
            Some("돼지 zq"),
        ),
        ("search 2-char Korean '돼지'", Some("돼지")),
        ("search 6-char Korean '엘리베이터가'", Some("엘리베이터가")),
        ("search 3-char English 'tig'", Some("tig")),
        (
            "search 2-char Korean, absent '낙타' (trigram vocabulary)",
            Some("낙타"),
        ),
        (
            "search 6-char Korean, absent '낙타를타고가'",
            Some("낙타를타고가"),
        ),
    ];
    let mut time = |name: &str, target: f64, f: &dyn Fn(&mut rusqlite::Connection) -> usize| {
        let mut times = Vec::with_capacity(RUNS);
        let mut hits = 0;
        for i in 0..RUNS + 3 {
            let t = Instant::now();
            hits = diary.call_blocking(|c| Ok(f(c))).unwrap();
            let ms = t.elapsed().as_secs_f64() * 1e3;
            if i >= 3 {
                times.push(ms); // the first runs warm the page cache and statement cache
            }
        }
        let (median, p95) = median_and_p95(times);
        eprintln!("{name}: median {median:.2} ms, p95 {p95:.2} ms, {hits} hits");
        results.push(serde_json::json!({ "case": name, "median_ms": median, "p95_ms": p95, "hits": hits, "runs": RUNS, "target_ms": target }));
    };
    for (name, query) in cases {
        time(name, 50.0, &|c| match query {
            None => repo::list(c, 50, 0).unwrap().len(),
            Some(q) => search::search(c, q, &Filter::default(), 50).unwrap().len(),
        });
    }
    let filters: Vec<(&str, &str, Filter)> = vec![
        (
            "filter by tag '가족'",
            "",
            Filter {
                tag: Some("가족".into()),
                ..Default::default()
            },
        ),
        (
            "filter by flag lucid",
            "",
            Filter {
                flag: Some(Flag::Lucid),
                ..Default::default()
            },
        ),
        (
            "filter by mood fear",
            "",
            Filter {
                mood: Some(Mood::Fear),
                ..Default::default()
            },
        ),
        (
            "filter by symbol 'pig'",
            "",
            Filter {
                symbol: Some("pig".into()),
                ..Default::default()
            },
        ),
        (
            "filter by one month of nights",
            "",
            Filter {
                from: Some("2020-03-01".into()),
                to: Some("2020-03-31".into()),
                ..Default::default()
            },
        ),
        (
            "nightmare + mood fear + tag '악몽'",
            "",
            Filter {
                flag: Some(Flag::Nightmare),
                mood: Some(Mood::Fear),
                tag: Some("악몽".into()),
                ..Default::default()
            },
        ),
        (
            "recurring + mood joy + text '돼지'",
            "돼지",
            Filter {
                flag: Some(Flag::Recurring),
                mood: Some(Mood::Joy),
                ..Default::default()
            },
        ),
        (
            "lucid + a year + text 'flying'",
            "flying",
            Filter {
                flag: Some(Flag::Lucid),
                from: Some("2019-01-01".into()),
                to: Some("2019-12-31".into()),
                ..Default::default()
            },
        ),
        (
            "mood sadness + tag '태몽' + text '낙타' (absent)",
            "낙타",
            Filter {
                mood: Some(Mood::Sadness),
                tag: Some("태몽".into()),
                ..Default::default()
            },
        ),
    ];
    for (name, query, filter) in &filters {
        time(name, 50.0, &|c| {
            search::search(c, query, filter, 50).unwrap().len()
        });
    }
    // The data runs to the end of 2025: "today" is 2025-12-31 for the insights.
    time("insights, last 12 months", 150.0, &|c| {
        insights(c, &Range::default(), "2025-12-31").unwrap().total as usize
    });
    time("insights, all ten years", 150.0, &|c| {
        let all = Range {
            from: Some("2016-01-01".into()),
            to: Some("2025-12-31".into()),
        };
        insights(c, &all, "2025-12-31").unwrap().total as usize
    });
    results
}

/// Export, import, Markdown and backup figures (issue 13); `only` runs one of them.
fn data_figures(diary: &Database, db: &std::path::Path, only: Option<&str>) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    let wanted = |part: &str| only.map_or(true, |o| o == part);
    let into = db.with_file_name("imported.sqlite3");
    let fresh_into = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", into.display()));
        }
        Database::open_keyed(&into, diary.key()).unwrap().db
    };
    let none = haemong_lib::data::Progress::none();
    if wanted("import") {
        // The whole diary out as Haemong JSON, then into an empty diary file.
        let t = Instant::now();
        let mut exported = Vec::new();
        let n = diary
            .call_blocking(|c| haemong_lib::data::export_json(c, &mut exported, 0))
            .unwrap();
        let export_s = t.elapsed().as_secs_f64();
        let fresh = fresh_into();
        let t = Instant::now();
        let report = fresh
            .call_blocking(|c| haemong_lib::data::import_json(c, &exported, false))
            .unwrap();
        let import_s = t.elapsed().as_secs_f64();
        assert_eq!(report.added, n, "every entry came in");
        let mb = exported.len() as f64 / 1e6;
        eprintln!("export {n} entries: {export_s:.2} s ({mb:.0} MB); import into an empty diary: {import_s:.2} s");
        drop(fresh);
        out.insert(
            "export".into(),
            serde_json::json!({ "entries": n, "seconds": export_s, "mb": mb, "target_s": 5.0 }),
        );
        out.insert(
            "import".into(),
            serde_json::json!({ "entries": report.added, "seconds": import_s, "target_s": 15.0 }),
        );
    }
    if wanted("sealed") {
        // The JSON export sealed with a passphrase (age, issue 16), and opened again: what the
        // seal adds to the plain export above (scrypt's ~1 s is paid once per file each way).
        let file = db.with_file_name("export.json.age");
        let t = Instant::now();
        let n = haemong_lib::fsutil::write_atomic_with(&file, |w| {
            haemong_lib::data::sealed::seal(w, "bench passphrase", |w| {
                diary.call_blocking(|c| haemong_lib::data::export_json(c, w, 0))
            })
        })
        .unwrap();
        let seal_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let bytes = haemong_lib::data::sealed::open(&file, "bench passphrase").unwrap();
        let open_s = t.elapsed().as_secs_f64();
        let mb = bytes.len() as f64 / 1e6;
        eprintln!(
            "sealed export of {n} entries: {seal_s:.2} s; opened again: {open_s:.2} s ({mb:.0} MB)"
        );
        let _ = std::fs::remove_file(&file);
        out.insert(
            "sealed".into(),
            serde_json::json!({ "entries": n, "seal_seconds": seal_s, "open_seconds": open_s, "mb": mb }),
        );
    }
    if wanted("markdown") {
        // A Markdown folder of every dream, and reading it back into an empty diary.
        let notes = db.with_file_name("notes");
        let _ = std::fs::remove_dir_all(&notes);
        let t = Instant::now();
        diary
            .call_blocking(|c| haemong_lib::data::markdown::export_markdown(c, &notes, &none))
            .unwrap();
        let export_s = t.elapsed().as_secs_f64();
        let fresh = fresh_into();
        let t = Instant::now();
        let md = fresh
            .call_blocking(|c| haemong_lib::data::import_path(c, &notes, None, false, &none))
            .unwrap();
        let import_s = t.elapsed().as_secs_f64();
        drop(fresh);
        let _ = std::fs::remove_dir_all(&notes);
        eprintln!("markdown: export {export_s:.2} s, import {import_s:.2} s");
        out.insert(
            "markdown".into(),
            serde_json::json!({ "export_s": export_s, "import_s": import_s, "entries": md.added }),
        );
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", into.display()));
    }
    if wanted("backup") {
        out.insert("backup".into(), backup_figures(diary, db));
    }
    serde_json::Value::Object(out)
}

/// A backup of the whole diary while the app autosaves an entry every 10 ms through its own
/// writer: the longest save during the backup against the longest before it (same run).
fn backup_figures(diary: &Database, db: &std::path::Path) -> serde_json::Value {
    let saves = |ms: u64| {
        let (diary, stop) = (
            diary.clone(),
            std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        );
        let flag = stop.clone();
        let h = std::thread::spawn(move || {
            let mut worst = Vec::new();
            let mut n = 0u64;
            let input = |n: u64| EntryInput {
                body: format!("autosave {n} {}", "꿈을 적는 중 ".repeat(40)),
                ..EntryInput::default()
            };
            let id = diary
                .call_blocking(|c| repo::create(c, &input(0)))
                .unwrap()
                .id;
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                n += 1;
                let t = Instant::now();
                diary
                    .call_blocking(|c| repo::update(c, id, &input(n)))
                    .unwrap();
                worst.push(t.elapsed().as_secs_f64() * 1000.0);
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            diary.call_blocking(|c| repo::delete(c, id)).unwrap();
            worst
        });
        (stop, h)
    };
    let stat = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        (
            v[v.len() - 1],
            v[(v.len() * 99 / 100).min(v.len() - 1)],
            v.len(),
        )
    };
    let (stop, h) = saves(10);
    std::thread::sleep(std::time::Duration::from_secs(3));
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let (idle_max, idle_p99, idle_n) = stat(&mut h.join().unwrap());
    let backup_to = db.with_file_name("backup-bench.sqlite3");
    let (stop, h) = saves(10);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let t = Instant::now();
    let none = haemong_lib::data::Progress::none();
    let written =
        haemong_lib::data::backup::copy_verified(db, &backup_to, diary.key().as_ref(), &none)
            .unwrap();
    let backup_s = t.elapsed().as_secs_f64();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let (during_max, during_p99, during_n) = stat(&mut h.join().unwrap());
    assert!(written.entries > 0, "the backup holds the diary");
    let backup_mb = written.bytes as f64 / 1e6;
    // The verification alone, again on the copy: how the time splits.
    let t = Instant::now();
    haemong_lib::data::backup::verify(&backup_to, diary.key().as_ref()).unwrap();
    let verify_s = t.elapsed().as_secs_f64();
    // Of that, the search index's own check (FTS5's, which `integrity_check` runs and which cannot
    // be shared between cores): the floor under any verified backup.
    let c = haemong_lib::db::cipher::open(
        &backup_to,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        diary.key().as_ref(),
    )
    .unwrap();
    c.pragma_update(
        None,
        "cache_size",
        -haemong_lib::db::cipher::CHECK_CACHE_KIB,
    )
    .unwrap();
    let t = Instant::now();
    let ok: String = c
        .query_row("PRAGMA integrity_check(entries_fts)", [], |r| r.get(0))
        .unwrap();
    let search_check_s = t.elapsed().as_secs_f64();
    assert_eq!(ok, "ok");
    drop(c);
    let _ = std::fs::remove_file(&backup_to);
    eprintln!(
        "backup {backup_s:.2} s ({backup_mb:.0} MB, verified); autosave max {during_max:.1} ms during ({during_n} saves), {idle_max:.1} ms before ({idle_n})"
    );

    serde_json::json!({
        "seconds": backup_s, "mb": backup_mb, "target_s": 3.0, "verify_s": verify_s,
        "search_check_s": search_check_s,
        "autosave_max_ms": during_max, "autosave_p99_ms": during_p99, "autosaves": during_n,
        "idle_autosave_max_ms": idle_max, "idle_autosave_p99_ms": idle_p99, "idle_autosaves": idle_n,
        "stall_target_ms": 50.0
    })
}
