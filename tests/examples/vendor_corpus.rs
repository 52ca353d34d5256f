//! Writes the independent vendor corpus (`tests::vendor`) to a folder, to open the files in
//! Excel or WPS, or to try them with `workforce attendance import --dry-run`:
//! `cargo run -p tests --example vendor_corpus -- out/vendor-corpus`.
//! With `--dump`, also prints every cell as the importer's table reader sees it.

use std::path::PathBuf;

use tests::vendor::{broken, Layout, Month};

fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args.iter().any(|a| a == "--dump");
    args.retain(|a| a != "--dump");
    let dir = PathBuf::from(args.first().map_or("out/vendor-corpus", String::as_str));
    std::fs::create_dir_all(dir.join("broken"))?;
    let m = Month::march_2026();
    for layout in Layout::ALL {
        let path = dir.join(format!("{}-{}", layout.label(), layout.file_name()));
        std::fs::write(&path, m.write(layout))?;
        println!("{}", path.display());
        if dump {
            print_cells(&m.write(layout));
        }
    }
    for b in broken::all(&m) {
        let path = dir.join("broken").join(format!("{}-{}", b.key, b.name));
        std::fs::write(&path, &b.bytes)?;
        println!("{}  ({})", path.display(), b.what);
    }
    Ok(())
}

fn print_cells(bytes: &[u8]) {
    match api::excel::table::read_all(bytes) {
        Ok(tables) => {
            for t in tables {
                println!("== sheet {}", t.sheet);
                for (r, cells) in &t.rows {
                    let text: Vec<String> = cells.iter().map(|c| format!("{c:?}")).collect();
                    println!("{r}\t{}", text.join("\t"));
                }
            }
        }
        Err(e) => println!("unreadable: {e}"),
    }
}
