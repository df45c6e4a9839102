// What a concrete tag means, from the tag catalog's definitions: `region:<value>` describes every
// `region:…` tag; an exact id wins over such a family.

export interface TagDefinition {
  id: string
  layer: string
  description: string
}

const FAMILY = /^([^<]*:)<[^>]+>$/

export function definitionOf(tag: string, definitions: readonly TagDefinition[]): TagDefinition | undefined {
  return (
    definitions.find((d) => d.id === tag) ??
    definitions.find((d) => {
      const family = FAMILY.exec(d.id)
      return family !== null && tag.startsWith(family[1]) && tag.length > family[1].length
    })
  )
}
