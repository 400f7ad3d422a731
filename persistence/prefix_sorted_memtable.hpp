// A RocksDB memtable that appends each write and sorts once, when flushed, like RocksDB's own
// VectorRep, but sorts entries by the first 8 bytes of their key, read into an array beside the
// pointers, and compares whole keys only where those tie. VectorRep sorts bare pointers, so each
// of its n log n comparisons reads two entries scattered over the memtable's arena, a cache miss
// each, and under load that sort was most of a flush. Our keys are a table byte and a random id,
// so 8 bytes almost never tie.
//
// For the bytewise comparator only (RocksDB's default): the 8 bytes are compared as a
// big-endian number, which orders keys as bytewise comparison does.
#pragma once

#include <rocksdb/memtablerep.h>

namespace awa::persistence {

class PrefixSortedMemTableFactory final : public rocksdb::MemTableRepFactory {
public:
  static const char* kClassName() { return "AwaPrefixSortedMemTableFactory"; }
  const char* Name() const override { return kClassName(); }

  using rocksdb::MemTableRepFactory::CreateMemTableRep;
  rocksdb::MemTableRep* CreateMemTableRep(const rocksdb::MemTableRep::KeyComparator& compare,
                                          rocksdb::Allocator* allocator,
                                          const rocksdb::SliceTransform* prefix_extractor,
                                          rocksdb::Logger* logger) override;
};

}  // namespace awa::persistence
