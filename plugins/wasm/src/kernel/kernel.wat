;; Portico's Extism kernel: the hot `extism:host/env` functions, implemented in wasm so the guest calls them
;; wasm-to-wasm (no JS boundary, no BigInt). Extism "memory" is this module's own linear memory, used as a
;; bump arena that the host resets before each call.
;;
;; Block layout: [length: u64][data...], 8-byte aligned; a handle is the address of the data. Addresses below
;; 16 are never handed out, so handle 0 means "none". `alloc` returns 0 once a call has used `cap` bytes.
;;
;; Compiled to kernel-bytes.ts by scripts/build-kernel.ts (a unit test checks the two agree).
(module
  (memory (export "memory") 1)
  (global $top (mut i32) (i32.const 16))
  (global $cap (mut i32) (i32.const 16777232))
  (global $in_off (mut i64) (i64.const 0))
  (global $in_len (mut i64) (i64.const 0))

  ;; Host side -------------------------------------------------------------------------------------------
  (func (export "reset")
    (global.set $top (i32.const 16))
    (global.set $in_off (i64.const 0))
    (global.set $in_len (i64.const 0)))

  ;; Arena limit in bytes per call.
  (func (export "set_cap") (param $bytes i32)
    (global.set $cap (i32.add (local.get $bytes) (i32.const 16))))

  ;; Makes block `h` (already written by the host) the call's input.
  (func (export "set_input") (param $h i32)
    (global.set $in_off (i64.extend_i32_u (local.get $h)))
    (global.set $in_len (i64.load (i32.sub (local.get $h) (i32.const 8)))))

  ;; Allocation with i32 in and out, for the host (no BigInt).
  (func $alloc32 (export "alloc32") (param $n i32) (result i32)
    (local $h i32) (local $end i32) (local $have i32)
    (if (i32.gt_u (local.get $n) (global.get $cap)) (then (return (i32.const 0))))
    (local.set $h (i32.add (global.get $top) (i32.const 8)))
    (local.set $end (i32.and (i32.add (i32.add (local.get $h) (local.get $n)) (i32.const 7)) (i32.const -8)))
    (if (i32.gt_u (local.get $end) (global.get $cap)) (then (return (i32.const 0))))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535)) (i32.const 16)))
              (i32.const -1))
          (then (return (i32.const 0))))))
    (i64.store (global.get $top) (i64.extend_i32_u (local.get $n)))
    (global.set $top (local.get $end))
    (local.get $h))

  ;; Guest side (extism:host/env) --------------------------------------------------------------------------
  (func (export "alloc") (param $n i64) (result i64)
    (if (i64.gt_u (local.get $n) (i64.const 0x7fffffff)) (then (return (i64.const 0))))
    (i64.extend_i32_u (call $alloc32 (i32.wrap_i64 (local.get $n)))))

  (func (export "free") (param i64))

  (func $length (export "length") (param $h i64) (result i64)
    (if (i32.or (i64.lt_u (local.get $h) (i64.const 16))
                (i64.ge_u (local.get $h) (i64.extend_i32_u (global.get $top))))
      (then (return (i64.const 0))))
    (i64.load (i32.sub (i32.wrap_i64 (local.get $h)) (i32.const 8))))

  (func (export "length_unsafe") (param $h i64) (result i64)
    (call $length (local.get $h)))

  (func (export "load_u8") (param $p i64) (result i32)
    (i32.load8_u (i32.wrap_i64 (local.get $p))))

  (func (export "load_u64") (param $p i64) (result i64)
    (i64.load (i32.wrap_i64 (local.get $p))))

  (func (export "store_u8") (param $p i64) (param $v i32)
    (i32.store8 (i32.wrap_i64 (local.get $p)) (local.get $v)))

  (func (export "store_u64") (param $p i64) (param $v i64)
    (i64.store (i32.wrap_i64 (local.get $p)) (local.get $v)))

  (func (export "input_offset") (result i64) (global.get $in_off))
  (func (export "input_length") (result i64) (global.get $in_len))

  (func (export "input_load_u8") (param $i i64) (result i32)
    (i32.load8_u (i32.wrap_i64 (i64.add (global.get $in_off) (local.get $i)))))

  (func (export "input_load_u64") (param $i i64) (result i64)
    (i64.load (i32.wrap_i64 (i64.add (global.get $in_off) (local.get $i)))))
)
