use shared::describe::{DescribeOptions, environment, geometry};
use shared::gallery::examples;
#[test]
fn dev() {
    for e in examples() {
        let s = shared::io::parse(e.cif).unwrap();
        let b = environment::bonds(&s, &DescribeOptions::default());
        let sym = shared::symmetry::analyze(&s, 0.1).unwrap();
        for i in sym.inequivalent_sites() {
            let c = s.lattice().to_cartesian(s.sites()[i].wrapped_frac());
            let v: Vec<_> = b[i].iter().map(|x| { let f = s.sites()[x.j].wrapped_frac(); let p = s.lattice().to_cartesian([f[0]+x.image[0] as f64, f[1]+x.image[1] as f64, f[2]+x.image[2] as f64]); [p[0]-c[0],p[1]-c[1],p[2]-c[2]] }).collect();
            println!("{} {} {:?} {:?}", e.id, s.sites()[i].element, sym.wyckoffs[i], geometry::classify(&v));
        }
    }
}
