//! What calamine does with a file WITHOUT the guard (and what the guard says about it):
//! `cargo run -p api --example calamine_raw -- FILE [--guard]`. Run it under a memory
//! limit (`prlimit --as=1000000000 …`): on a hostile file calamine may allocate until the
//! process aborts.

use std::io::Cursor;

use calamine::Reader;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: calamine_raw FILE [--guard]");
    let guard = args.next().as_deref() == Some("--guard");
    let bytes = std::fs::read(&path).expect("read the file");
    let t = std::time::Instant::now();
    if guard {
        let r = api::excel::guard::check(&bytes, &api::excel::guard::Limits::default());
        println!("guard: {r:?} in {:?}", t.elapsed());
        return;
    }
    eprintln!("calamine: opening {path} ({} bytes)", bytes.len());
    match calamine::open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Err(e) => println!("calamine: open failed: {e} in {:?}", t.elapsed()),
        Ok(mut wb) => {
            for name in wb.sheet_names() {
                match wb.worksheet_range(&name) {
                    Ok(r) => println!("calamine: sheet {name}: {:?} cells", r.get_size()),
                    Err(e) => println!("calamine: sheet {name}: {e}"),
                }
            }
            println!("calamine: done in {:?}", t.elapsed());
        }
    }
}
